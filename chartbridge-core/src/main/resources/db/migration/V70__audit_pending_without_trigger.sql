-- Issue #17: the pending mark of an audit entry is written by the same statement as the entry (AuditLog, the one
-- writer of audit_entry, with a data-modifying CTE) instead of by a row trigger: one plpgsql call less per entry on
-- every intake and transition. An entry inserted by anyone else without its mark is neither sealed nor pending,
-- which AuditVerifier names.
DROP TRIGGER audit_entry_pending ON audit_entry;
DROP FUNCTION audit_entry_to_pending();
