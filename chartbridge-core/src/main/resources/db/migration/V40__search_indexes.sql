-- Issue #14: event and operation search (GET /v1/events, GET /v1/operations, chartbridge events search).
-- Each search is newest first with keyset pagination on (time, id), so each filter gets an index in that order:
-- a page is read from the index's front and stops at the limit, whatever the history's size. The patient filter
-- uses the GIN index clinical_event_patient_identifiers (V13_1).
CREATE INDEX clinical_event_search ON clinical_event (tenant_id, accepted_at DESC, id DESC);
CREATE INDEX clinical_event_search_type ON clinical_event (tenant_id, event_type, accepted_at DESC, id DESC);
CREATE INDEX clinical_event_search_author ON clinical_event
    (tenant_id, (body -> 'author' ->> 'npi'), accepted_at DESC, id DESC);
CREATE INDEX write_operation_search ON write_operation (tenant_id, created_at DESC, id DESC);
CREATE INDEX write_operation_search_state ON write_operation (tenant_id, state, created_at DESC, id DESC);
CREATE INDEX write_operation_search_target ON write_operation (tenant_id, target, created_at DESC, id DESC);
CREATE INDEX write_operation_search_error ON write_operation (tenant_id, error_class, created_at DESC, id DESC)
    WHERE error_class IS NOT NULL;
-- The console's dashboard reads the last day's attempts (latency, error classes). Attempts are appended in time
-- order, so a BRIN index finds that day in a few block ranges and costs next to nothing on the hot insert path.
CREATE INDEX delivery_attempt_started_brin ON delivery_attempt USING brin (started_at);
