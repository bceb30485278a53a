-- The delivery side of the outbound queue (worked by AgentMail.Smtp). A worker claims due
-- recipients with FOR UPDATE SKIP LOCKED and, in the same statement, stamps them with its claim
-- id and pushes next_attempt_at out by a lease: no other replica sees them as due until the lease
-- runs out (a worker that died mid-delivery), and a late worker whose lease was taken over can no
-- longer record an outcome, because recording requires its claim id.
ALTER TABLE outbound_recipients
    ADD COLUMN claim_id uuid,                -- the claim working this recipient; NULL when none
    ADD COLUMN final_at timestamptz;         -- when it became delivered or failed

-- The queue's blob reference is released when the last recipient is final; the row stays as the
-- delivery record (until pruned), so it must be able to stop pointing at a blob that may be gone.
ALTER TABLE outbound_messages ALTER COLUMN blob_sha256 DROP NOT NULL;
