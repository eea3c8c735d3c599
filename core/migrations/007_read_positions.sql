-- Version 7: read positions kept on the server for all of the user's devices (XEP-0490).
-- A marker waiting for the network also names the message's archive id, the id the server's
-- position uses.
ALTER TABLE pending_markers ADD COLUMN archive_id TEXT;

-- A position the user reached on another device, in a chat, at a message this device does not
-- have yet (the catch-up brings it after the position arrives). Applied, and dropped, when that
-- message is stored; a newer position for the chat replaces it.
CREATE TABLE awaited_read_positions (
    peer TEXT PRIMARY KEY,
    message_id TEXT NOT NULL
);
