-- The write-state gauges (issue #14) count unsettled writes per connection and state every few seconds: this
-- partial index holds only writes not yet settled, so the grouped count reads a small index however many verified
-- writes the table keeps forever. The predicate is the one WriteStateGauges queries with.
CREATE INDEX write_operation_unsettled ON write_operation (tenant_id, target, state)
    WHERE state NOT IN ('VERIFIED', 'CREATED_UNVERIFIED', 'SHADOWED', 'DISCARDED');
