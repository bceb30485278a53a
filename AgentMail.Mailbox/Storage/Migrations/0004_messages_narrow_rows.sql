-- IMAP reads whole folders of `messages` rows (SELECT's UID list, SEARCH, the change feed), and the
-- full-text entry is most of a row's bytes: about 2 KB of a 2.5 KB row for a 4 KB message. A row
-- over PostgreSQL's 2 KB threshold is now cut to 1 KB by moving that entry out of line first
-- (uncompressed, so the GIN re-insert of an update needs no decompression): the benchmark's rows
-- went from 2.5 KB to 0.7 KB in the heap, so a folder's rows share pages instead of filling one
-- each. Rows written before this migration move out of line at their next update.
ALTER TABLE messages ALTER COLUMN search SET STORAGE EXTERNAL;
ALTER TABLE messages SET (toast_tuple_target = 1024);
