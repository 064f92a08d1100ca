-- Waits that back off and repeats that are counted, not multiplied (issue #13).
--
-- write_operation.waits: how many times in a row the operation has waited on something that is not an answer to
-- its write (a record the EHR holds but does not show yet, a send deferred for want of a token or of the
-- gateway's own call budget). Each such wait is longer than the last (exponential, with jitter, up to a cap); any
-- other step sets it back to 0.
-- delivery_attempt.repeats / last_started_at: a wait identical to the operation's previous attempt (same step,
-- outcome and error class) adds to that attempt's count instead of a row of its own (and writes no audit entry
-- and no notice of its own), so a day-long wait costs a bounded number of rows.
ALTER TABLE write_operation ADD COLUMN waits int NOT NULL DEFAULT 0;
ALTER TABLE delivery_attempt
    ADD COLUMN repeats         int NOT NULL DEFAULT 0,
    ADD COLUMN last_started_at timestamptz;

-- An idle node asks once per poll which of its queues have due work, over all queues at once (not one claim
-- transaction per queue); the outbox-lag gauge reads the oldest due row. Both read by due time.
CREATE INDEX outbox_due ON outbox (due_at);
