-- Version 6: an archive id is unique within one archive only (ejabberd's are timestamps, so two
-- rooms' archives can give two messages the same id). Repeats are recognised per chat: every
-- message of one archive entry lands in the same chat.

DROP INDEX messages_by_archive_id;
CREATE UNIQUE INDEX messages_by_archive_id ON messages (chat_id, archive_id)
    WHERE archive_id IS NOT NULL;
