-- A message's full-text entry moves to its own table. In the messages row it made every row a few
-- kilobytes wide, and every flag change — a new MODSEQ, so never a HOT update — copied it and
-- re-inserted all its lexemes into the GIN index. Now a flag change rewrites a narrow row, and
-- scans of a folder (IMAP SELECT, SEARCH, FETCH) read several times fewer pages.
-- No foreign key: its check (a locking read of the message row) was a measurable share of an
-- append; the two places that delete messages (a purge, a grant's deletion) delete these rows too.
CREATE TABLE message_search (
    message_id  uuid PRIMARY KEY,                   -- messages.id
    search      tsvector NOT NULL                   -- built by the service (AgentMail.Mailbox.Search)
);
INSERT INTO message_search (message_id, search) SELECT id, search FROM messages WHERE search <> ''::tsvector;
DROP INDEX messages_search;
ALTER TABLE messages DROP COLUMN search;
CREATE INDEX message_search_words ON message_search USING gin (search);

-- SELECT and EXAMINE report the first unseen message and the keywords in use (RFC 9051 §7.1);
-- these partial indexes answer both without reading every message of the folder.
CREATE INDEX messages_unseen ON messages (folder_id, uid) WHERE (flags & 1) = 0;
CREATE INDEX messages_with_keywords ON messages (folder_id) WHERE keywords <> '{}';
