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

-- One row per (destination, event); its id is the notification's "id", the receiver's dedup key.
-- A claim is a lease: the worker sets leased_until past the attempt's timeout (no indexed column
-- changes, so the update stays on the page), which hides the delivery from every other worker
-- unless the holder dies. "attempts" counts attempts started and identifies the current claim.
CREATE TABLE webhook_deliveries (
    id                  uuid PRIMARY KEY,
    destination_id      uuid NOT NULL REFERENCES webhook_destinations(id) ON DELETE CASCADE,
    event_id            bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    event_type          text NOT NULL,
    status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    retry_until         timestamptz NOT NULL,                       -- give up after a failed attempt past this
    leased_until        timestamptz,                                -- the attempt in flight: until when it is its worker's
    leased_by           text,
    leased_at           timestamptz,
    last_status_code    integer,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_at        timestamptz,                                -- delivered or given up
    UNIQUE (destination_id, event_id)                               -- also the delivery log's order
) WITH (fillfactor = 80);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (destination_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries USING brin (created_at);   -- retention

-- Every finished attempt, written once when it ends (an attempt in flight is the delivery's lease).
CREATE TABLE webhook_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id     uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    destination_id  uuid NOT NULL,                                  -- health windows without a join
    attempt         integer NOT NULL,                               -- webhook_delivery_attempt sent
    outcome         text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'abandoned')),
    status_code     integer,
    error           text,
    response_body   text,                                           -- a bounded prefix
    worker          text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    duration_ms     integer
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id);
CREATE INDEX webhook_attempts_by_time ON webhook_attempts USING brin (finished_at);      -- the health window
