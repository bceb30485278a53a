-- AgentMail mailbox store: grants, folders, messages, content-addressed blobs, the expunge log,
-- the event outbox and the outbound queue. Later migrations add their own files (0002_..., ...);
-- a migration that has shipped is never edited.

-- UIDVALIDITY must be unique per folder and never reused, even for a folder recreated under the
-- same name (RFC 9051 §2.3.1.1). One sequence for every folder of every grant, started at the
-- current Unix time so that a rebuilt database does not hand out values a client has cached.
CREATE SEQUENCE uid_validity_seq MAXVALUE 4294967295;
SELECT setval('uid_validity_seq', extract(epoch FROM clock_timestamp())::bigint);

CREATE TABLE grants (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL,
    email_key           text NOT NULL UNIQUE,           -- lower(email): addresses are unique case-insensitively
    name                text,
    provider            text NOT NULL DEFAULT 'nylas',
    grant_status        text NOT NULL DEFAULT 'valid',
    app_password_hash   text,                           -- bcrypt; never leaves the store
    credential_version  integer NOT NULL DEFAULT 0,     -- bumped by every set/rotation: ends open sessions
    quota_bytes         bigint NOT NULL CHECK (quota_bytes >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE folders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grant_id        uuid NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    public_id       text NOT NULL,                      -- API id: the role for system folders, else a uuid
    name            text NOT NULL,                      -- full hierarchical name, '/' delimited, UTF-8
    role            text,                               -- inbox | sent | drafts | trash | junk | archive
    uid_validity    bigint NOT NULL DEFAULT nextval('uid_validity_seq'),
    uid_next        bigint NOT NULL DEFAULT 1,
    highest_modseq  bigint NOT NULL DEFAULT 1,          -- never 0 (CLIENTS.md 11)
    message_count   integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    unseen_count    integer NOT NULL DEFAULT 0 CHECK (unseen_count >= 0),
    size_bytes      bigint NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
    subscribed      boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (grant_id, public_id),
    UNIQUE (grant_id, name),
    UNIQUE (grant_id, role)
);

-- Raw RFC 5322 bytes, stored once per distinct content and shared by copies, with what parsing
-- them produced, so that IMAP FETCH never re-parses. STORAGE EXTERNAL keeps the bytes
-- uncompressed out of line, which lets substring() read only the chunks a FETCH slice needs.
CREATE TABLE blobs (
    sha256          bytea PRIMARY KEY,
    size            integer NOT NULL,
    ref_count       integer NOT NULL CHECK (ref_count >= 0),
    data            bytea NOT NULL,
    structure       bytea NOT NULL,                     -- AgentMail.Mime serialized part tree with offsets
    envelope        bytea NOT NULL,                     -- IMAP ENVELOPE
    body_structure  bytea NOT NULL,                     -- IMAP BODYSTRUCTURE (extensible)
    body            bytea NOT NULL,                     -- IMAP BODY (non-extensible)
    created_at      timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE threads (
    id                  uuid PRIMARY KEY,
    grant_id            uuid NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    base_subject        text NOT NULL,                  -- RFC 5256 §2.1, the subject fallback for grouping
    latest_message_at   timestamptz NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX threads_by_recency ON threads (grant_id, latest_message_at DESC, id DESC);
CREATE INDEX threads_by_subject ON threads (grant_id, base_subject, latest_message_at DESC);

CREATE TABLE messages (
    id              uuid PRIMARY KEY,                   -- stable API id: kept by MOVE
    grant_id        uuid NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    folder_id       bigint NOT NULL REFERENCES folders(id),
    uid             bigint NOT NULL,
    modseq          bigint NOT NULL,
    flags           smallint NOT NULL DEFAULT 0,        -- \Seen 1, \Answered 2, \Flagged 4, \Deleted 8, \Draft 16
    keywords        text[] NOT NULL DEFAULT '{}',
    thread_id       uuid NOT NULL REFERENCES threads(id),
    blob_sha256     bytea NOT NULL REFERENCES blobs(sha256),
    size            integer NOT NULL,
    internal_date   timestamptz NOT NULL,               -- when we received it: IMAP INTERNALDATE, API date
    sent_date       timestamptz,                        -- the Date header, when it parses
    message_id      text,                               -- normalized, without <>
    in_reply_to     text,
    reference_ids   text[] NOT NULL DEFAULT '{}',
    subject         text NOT NULL DEFAULT '',
    from_list       jsonb NOT NULL DEFAULT '[]',        -- [{name, email}]
    to_list         jsonb NOT NULL DEFAULT '[]',
    cc_list         jsonb NOT NULL DEFAULT '[]',
    bcc_list        jsonb NOT NULL DEFAULT '[]',
    reply_to_list   jsonb NOT NULL DEFAULT '[]',
    address_keys    text[] NOT NULL DEFAULT '{}',       -- 'from:a@b', 'to:c@d', ... lower-cased, for address filters
    snippet         text NOT NULL DEFAULT '',
    attachments     jsonb NOT NULL DEFAULT '[]',
    has_attachments boolean NOT NULL DEFAULT false,
    metadata        jsonb NOT NULL DEFAULT '{}',
    search          tsvector NOT NULL DEFAULT ''::tsvector,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (folder_id, uid)
);
CREATE INDEX messages_by_modseq ON messages (folder_id, modseq);
CREATE INDEX messages_by_date ON messages (grant_id, internal_date DESC, id DESC);
CREATE INDEX messages_in_folder_by_date ON messages (folder_id, internal_date DESC, id DESC);
CREATE INDEX messages_by_message_id ON messages (grant_id, message_id);
CREATE INDEX messages_by_thread ON messages (thread_id);
CREATE INDEX messages_by_in_reply_to ON messages (grant_id, in_reply_to) WHERE in_reply_to IS NOT NULL;
CREATE INDEX messages_by_address ON messages USING gin (address_keys);
CREATE INDEX messages_search ON messages USING gin (search);

-- UIDs that left a folder (expunged, moved away, purged), for EXPUNGE/VANISHED replies to
-- sessions that still know them (RFC 7162 §3.2.5.1).
CREATE TABLE expunged_uids (
    folder_id   bigint NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid         bigint NOT NULL,
    modseq      bigint NOT NULL,
    PRIMARY KEY (folder_id, uid)
);
CREATE INDEX expunged_uids_by_modseq ON expunged_uids (folder_id, modseq);

-- The outbox: every change writes its event here in the transaction that makes the change.
-- No foreign key to grants: grant.deleted must outlive its grant.
CREATE TABLE events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grant_id        uuid NOT NULL,
    type            text NOT NULL,
    object_id       text NOT NULL,
    payload         jsonb NOT NULL,                     -- the API object as of the change
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    dispatched_at   timestamptz                         -- set by the webhook dispatcher
);
CREATE INDEX events_pending ON events (id) WHERE dispatched_at IS NULL;
CREATE INDEX events_by_grant ON events (grant_id, id);

-- Outbound queue shared by API send and SMTP submission; holds a reference on its blob so the
-- Sent copy can be deleted before delivery finishes.
CREATE TABLE outbound_messages (
    id              uuid PRIMARY KEY,
    grant_id        uuid NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    message_id      uuid,                               -- the Sent copy's API id
    blob_sha256     bytea NOT NULL REFERENCES blobs(sha256),
    envelope_from   text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL                -- give up on retries after this
);

CREATE TABLE outbound_recipients (
    outbound_id     uuid NOT NULL REFERENCES outbound_messages(id) ON DELETE CASCADE,
    recipient       text NOT NULL,
    status          text NOT NULL DEFAULT 'queued',     -- queued | delivered | failed
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_response   text,
    PRIMARY KEY (outbound_id, recipient)
);
CREATE INDEX outbound_due ON outbound_recipients (next_attempt_at) WHERE status = 'queued';
