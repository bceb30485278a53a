-- Webhook destinations, their deliveries (one per destination and event) and every attempt.
-- Written only by the webhook dispatcher (AgentMail.Webhooks) and the API's /v3/webhooks
-- endpoints; the dispatcher turns outbox rows (events) into deliveries and marks them dispatched.

CREATE TABLE webhook_destinations (
    id                              uuid PRIMARY KEY,
    description                     text NOT NULL DEFAULT '',
    webhook_url                     text NOT NULL UNIQUE,           -- one destination per endpoint, as Nylas
    secret                          text NOT NULL,                  -- HMAC-SHA256 key of X-Nylas-Signature
    trigger_types                   text[] NOT NULL,
    -- active and failing are delivered to; pause and failed are not. failed is never left by itself.
    status                          text NOT NULL DEFAULT 'active'
                                    CHECK (status IN ('active', 'pause', 'failing', 'failed')),
    status_updated_at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    notification_email_addresses    text[] NOT NULL DEFAULT '{}',
    compressed_delivery             boolean NOT NULL DEFAULT false,
    created_at                      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at                      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per (destination, event): the envelope's stable "id" for the receiver's dedup. A claim
-- is a lease: the claiming worker moves next_attempt_at past the attempt's timeout and records
-- the attempt it runs, so no other worker takes it unless that worker dies.
CREATE TABLE webhook_deliveries (
    id                  uuid PRIMARY KEY,
    destination_id      uuid NOT NULL REFERENCES webhook_destinations(id) ON DELETE CASCADE,
    event_id            bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    event_type          text NOT NULL,
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    retry_until         timestamptz NOT NULL,                       -- give up after a failed attempt past this
    claimed_attempt     bigint,                                     -- the attempt in flight, if any
    last_status_code    integer,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_at        timestamptz,                                -- delivered or given up
    UNIQUE (destination_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (destination_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (destination_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (completed_at) WHERE status <> 'pending';

CREATE TABLE webhook_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id     uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    destination_id  uuid NOT NULL,                                  -- health windows without a join
    attempt         integer NOT NULL,                               -- webhook_delivery_attempt sent
    outcome         text NOT NULL DEFAULT 'in_progress'
                    CHECK (outcome IN ('in_progress', 'succeeded', 'failed', 'abandoned')),
    status_code     integer,
    error           text,
    response_body   text,                                           -- a bounded prefix
    worker          text NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    duration_ms     integer
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);
CREATE INDEX webhook_attempts_by_destination ON webhook_attempts (destination_id, finished_at);
CREATE INDEX webhook_attempts_recent ON webhook_attempts (finished_at);            -- the health window
