-- Mail the deployment sends on its own behalf (a webhook destination's status notice to its
-- notification_email_addresses) has no sending grant: no Sent copy, no message.delivered or
-- message.bounced event, and no INBOX for a bounce. Such a queued message has no grant_id.
ALTER TABLE outbound_messages ALTER COLUMN grant_id DROP NOT NULL;

-- When the last "failing" notice went out: a destination that keeps flapping between active and
-- failing is told once per Webhooks:NotificationInterval, not at every flap.
ALTER TABLE webhook_destinations ADD COLUMN failing_notified_at timestamptz;
