-- Version 5: group chats. A room's messages live in the chat whose peer is the room's address.
-- Each room keeps its own archive position, and a flag saying it has yet to catch up from it.

CREATE TABLE rooms (
    jid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    joined INTEGER NOT NULL,
    archive_cursor TEXT,
    catch_up INTEGER NOT NULL
);
