-- Issue #17: one index on an audit entry's event where there were two. V1's audit_entry_event (event_id, id) served
-- the audit export by patient and the compensation checks; V14_7's audit_entry_event_timeline, the same columns
-- without reads of PHI (phi.%), served an event's timeline. Every entry was written into both. This index serves
-- all of them: an event's entries with PHI reads after the rest, each part in entry order. A query that leaves the
-- reads out says so as (action LIKE 'phi.%') IS FALSE, the form PostgreSQL matches to the index's second column
-- (action is never null, so it is the same as NOT LIKE), and reads only the event's other entries however often the
-- event was read (EXPLAIN: 6 buffers for an event read a thousand times, as with the partial index); the export
-- reads all of an event's entries through its first column, as before.
CREATE INDEX audit_entry_event_reads ON audit_entry (event_id, (action LIKE 'phi.%'), id);
DROP INDEX audit_entry_event;
DROP INDEX audit_entry_event_timeline;
