-- Idempotency-Key of API sends: Nylas caches the first response per grant and key for an hour,
-- and refuses the same key with another request. A row is claimed (status_code NULL) before the
-- send runs and completed with the response it got; the API deletes rows past their lifetime.
CREATE TABLE api_idempotency_keys (
    grant_id        uuid NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    key             text NOT NULL,
    request_hash    bytea NOT NULL,                     -- SHA-256 of the request as parsed
    status_code     integer,                            -- NULL while the first request runs
    response        bytea,                              -- the JSON body answered
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grant_id, key)
);
CREATE INDEX api_idempotency_keys_by_age ON api_idempotency_keys (created_at);
