-- Version 1: account, sync state, contacts with presence, 1:1 chats, messages, outbox.

CREATE TABLE account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    jid TEXT NOT NULL,
    device_id TEXT NOT NULL
);

-- Small named values: the session token and the event cursor.
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE contacts (
    jid TEXT PRIMARY KEY,
    name TEXT,
    subscription TEXT NOT NULL,
    pending_out INTEGER NOT NULL,
    availability TEXT NOT NULL,
    status TEXT
);
CREATE INDEX contacts_by_display_name ON contacts (coalesce(name, jid) COLLATE NOCASE, jid);

CREATE TABLE chats (
    id INTEGER PRIMARY KEY,
    peer TEXT NOT NULL UNIQUE,
    last_activity_ms INTEGER NOT NULL,
    unread INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chats_by_activity ON chats (last_activity_ms DESC, id DESC);

-- state: queued, sent, delivered, displayed, failed.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL REFERENCES chats (id),
    client_id TEXT UNIQUE,
    network_id TEXT,
    outgoing INTEGER NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX messages_by_chat ON messages (chat_id, timestamp_ms, id);
-- The same network message arriving twice (carbon and direct, or a replay) is stored once.
CREATE UNIQUE INDEX messages_by_network_id ON messages (chat_id, sender, network_id)
    WHERE network_id IS NOT NULL;

-- Messages composed offline, to send in this order, each exactly once.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id)
);
