-- Version 2: each message's position in the user's archive on the network (XEP-0313), used to
-- catch up after an absence and to recognise a message the live stream already brought.

ALTER TABLE messages ADD COLUMN archive_id TEXT;
CREATE UNIQUE INDEX messages_by_archive_id ON messages (archive_id) WHERE archive_id IS NOT NULL;
