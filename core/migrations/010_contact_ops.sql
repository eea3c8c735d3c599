-- Version 10: contact changes and own presence made on this device, kept until the gateway took
-- them (offline-first); how the contact list shows the changes still pending; changes the gateway
-- refused for good; and the subscription requests still awaiting an answer.
CREATE TABLE contact_ops (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    jid TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('add', 'remove', 'rename', 'accept', 'refuse')),
    name TEXT,
    -- 1 once a send was tried: the gateway may have it, so it is never coalesced away.
    started INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_ops_by_jid ON contact_ops (jid, seq);
-- The pending changes of one contact folded: the list shows `contacts` through this.
CREATE TABLE contact_overlay (
    jid TEXT PRIMARY KEY,
    hidden INTEGER NOT NULL,
    added INTEGER NOT NULL,
    name_set INTEGER NOT NULL,
    name TEXT
);
CREATE TABLE contact_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    jid TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE TABLE subscription_requests (
    jid TEXT PRIMARY KEY,
    received_ms INTEGER NOT NULL
);
-- The user's own presence; it is due to be sent while `generation` is ahead of `sent_generation`.
CREATE TABLE own_presence (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    availability TEXT NOT NULL,
    status TEXT,
    generation INTEGER NOT NULL,
    sent_generation INTEGER NOT NULL
);
