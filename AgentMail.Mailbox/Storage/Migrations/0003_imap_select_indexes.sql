-- SELECT and EXAMINE report the first unseen message and the keywords in use (RFC 9051 §7.1);
-- these partial indexes answer both without reading every message of the folder.
CREATE INDEX messages_unseen ON messages (folder_id, uid) WHERE (flags & 1) = 0;
CREATE INDEX messages_with_keywords ON messages (folder_id) WHERE keywords <> '{}';
