-- Version 9: a message from someone who is not the user's contact is a message request
-- (the gateway's `from_stranger`); the app shows it apart.
ALTER TABLE messages ADD COLUMN from_stranger INTEGER NOT NULL DEFAULT 0;
