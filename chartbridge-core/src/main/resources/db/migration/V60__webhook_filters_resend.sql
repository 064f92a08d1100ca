-- Webhooks, issue #15 and #16: per-webhook filters, Standard Webhooks message ids, resends, coarse error classes.
-- A NULL filter means "all": every notice type, every operation state.
ALTER TABLE webhook ADD COLUMN notice_types text[];
ALTER TABLE webhook ADD COLUMN states text[];

-- The Standard Webhooks `webhook-id`: one per message, the same on every attempt and on a resend of it. A resend
-- is a new delivery (its own attempts) of the same message; resent_from names the delivery it repeats.
ALTER TABLE webhook_delivery ADD COLUMN message_id uuid;
UPDATE webhook_delivery SET message_id = id;
ALTER TABLE webhook_delivery ALTER COLUMN message_id SET NOT NULL;
ALTER TABLE webhook_delivery ADD COLUMN resent_from uuid REFERENCES webhook_delivery (id);

-- Attempts report a coarse class only (timeout, http-status, delivery-failed): the tenant reads them, and
-- per-address error kinds ("connection refused" against "no route") made the deliveries API a port scanner.
UPDATE webhook_attempt SET error = CASE
    WHEN error LIKE 'HTTP %' THEN 'http-status'
    WHEN error IN ('HttpTimeoutException', 'HttpConnectTimeoutException') THEN 'timeout'
    ELSE 'delivery-failed' END
WHERE error IS NOT NULL;
