-- Mail the deployment sends on its own behalf (a webhook destination's status notice to its
-- notification_email_addresses) has no sending grant: no Sent copy, no message.delivered or
-- message.bounced event, and no INBOX for a bounce. Such a queued message has no grant_id.
ALTER TABLE outbound_messages ALTER COLUMN grant_id DROP NOT NULL;
