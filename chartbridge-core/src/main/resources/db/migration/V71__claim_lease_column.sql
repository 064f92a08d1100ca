-- Claims that keep the queue's indexes clean (issue #17).
--
-- Until now a claim pushed due_at (indexed twice: outbox_queue_due, outbox_due) to the end of its lease, so every
-- claim, every lease renewal and every kept lease was a non-HOT update: a new entry in both indexes and a dead one
-- left at the head of outbox_queue_due, which every later claim and idle poll stepped over until vacuum. The lease
-- now has a column of its own, in no index: a claim, a renewal and a kept lease change only leased_until,
-- lease_owner and lease_token, so PostgreSQL can update the row in place (HOT) and the indexes do not change.
--
-- A row is claimable when it is due (due_at <= now()) and not leased (leased_until NULL or past). A leased row
-- keeps its due_at, so a lease that runs out (its node died or was cut off) makes the row claimable again by
-- itself, as before; the next claim finds it IN_FLIGHT and reconciles before anything is resent. A leased row
-- stays in the index at its due time: the claim steps over at most the rows in flight, which are bounded by the
-- connections' concurrency, instead of over every dead entry since the last vacuum.
--
-- Nodes of different versions must not share the queue: an old node claims by due_at alone and would take rows a
-- new node holds (fenced out by the lease token and reconciled, but still a take-over). Stop the old nodes before
-- starting new ones, as for any migration that changes the claim.
ALTER TABLE outbox ADD COLUMN leased_until timestamptz;

-- Leases taken under the old scheme end at their due_at: they keep that end.
UPDATE outbox SET leased_until = due_at WHERE lease_token IS NOT NULL;

-- Room on each page for the in-place versions of a row (HOT needs free space on the same page), and vacuum that
-- keeps up with a table whose rows all come and go: the default scale factor (20% of the table dead) would let a
-- queue of a million rows carry 200,000 dead ones before a vacuum.
ALTER TABLE outbox SET (fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02);
