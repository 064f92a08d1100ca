-- The review queue lists a tenant's operations that need a human, newest first; without this index that is a
-- scan of every write ever made.
CREATE INDEX write_operation_review ON write_operation (tenant_id, updated_at DESC)
    WHERE state IN ('NEEDS_REVIEW', 'CONFLICT', 'MODIFIED');
