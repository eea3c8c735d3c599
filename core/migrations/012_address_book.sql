-- The phone's own address book, as the shell handed it over, and the numbers
-- in the network contacts' vCards. Nothing here is ever sent anywhere.
CREATE TABLE native_contacts (
    native_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- A hash of the entry as imported (name, labels, numbers, home country):
    -- a re-import rewrites only the entries whose hash changed.
    content_hash INTEGER NOT NULL
);

CREATE TABLE native_numbers (
    native_id TEXT NOT NULL REFERENCES native_contacts (native_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT,
    written TEXT NOT NULL,
    -- NULL when the number as written could not be read.
    e164 TEXT,
    PRIMARY KEY (native_id, position)
);
CREATE INDEX native_numbers_by_e164 ON native_numbers (e164) WHERE e164 IS NOT NULL;

CREATE TABLE contact_phones (
    jid TEXT NOT NULL,
    e164 TEXT NOT NULL,
    PRIMARY KEY (jid, e164)
);
CREATE INDEX contact_phones_by_e164 ON contact_phones (e164);

CREATE TABLE address_book_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    home_country TEXT NOT NULL
);
