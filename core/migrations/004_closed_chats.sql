-- Version 4: closed chats. A chat closed up to a time stays hidden until a newer message arrives in
-- it. Closes wait in pending_closes until the network server has them; a later close of the same
-- chat replaces an earlier one.

ALTER TABLE chats ADD COLUMN closed_up_to_ms INTEGER;

CREATE TABLE pending_closes (
    peer TEXT PRIMARY KEY,
    up_to_ms INTEGER NOT NULL
);
