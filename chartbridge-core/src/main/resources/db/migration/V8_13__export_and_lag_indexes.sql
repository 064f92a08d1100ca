-- Issue #13, item 8: costs that must not grow with history.
-- The audit export by patient finds the patient's events through this index (containment of one identifier in
-- the event's patient identifiers), then their entries through audit_entry_event; no scan of either table.
CREATE INDEX clinical_event_patient_identifiers ON clinical_event
    USING gin ((body -> 'patient' -> 'identifiers') jsonb_path_ops);

-- The outbox-lag gauge reads min(due_at) over the whole outbox at each scrape: one index probe, not a scan.
CREATE INDEX outbox_due ON outbox (due_at);
