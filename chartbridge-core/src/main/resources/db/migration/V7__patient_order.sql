-- Per-patient order (issue #5). Writes for the same (tenant, target, patient) reach the EHR in the order they
-- entered the queue; different patients proceed in parallel. order_key is a SHA-256 over tenant, target and the
-- patient's identifiers (never the identifiers themselves); null means unordered (rows from before this
-- migration). In the outbox, a row whose order_key is set still holds its place in its patient's line (nothing
-- of it has been written yet); only the first row of a line is due, the others wait parked at due_at =
-- 'infinity' and are woken one at a time, so the claim statement and its (queue, due_at) index are unchanged and
-- never scan a blocked backlog.
ALTER TABLE write_operation ADD COLUMN order_key text;
ALTER TABLE outbox ADD COLUMN order_key text;
ALTER TABLE outbox ADD COLUMN order_pos bigint;
CREATE SEQUENCE outbox_order_pos;
CREATE INDEX outbox_order_line ON outbox (order_key, order_pos) WHERE order_key IS NOT NULL;
