-- Version 8: recovering when an archive no longer knows the stored position. The archive is read
-- back from its newest page until the pages meet what the store has (one row per archive being
-- read back: '' for the user's 1:1 archive, else the room's address). Where they cannot meet, a
-- gap marker (a message row of kind 'gap') shows in the timeline that messages may be missing.
-- The pages read back wait in archive_recovery_messages until then, and go into the timeline oldest
-- first at the end (archive times have one-second steps, so insertion order breaks their ties).

ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
CREATE TABLE archive_recovery (
    archive TEXT PRIMARY KEY,
    before_id TEXT,
    newest_id TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    oldest_ms INTEGER
);
CREATE TABLE archive_recovery_messages (
    seq INTEGER PRIMARY KEY,
    archive TEXT NOT NULL REFERENCES archive_recovery (archive) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    message TEXT NOT NULL
);
