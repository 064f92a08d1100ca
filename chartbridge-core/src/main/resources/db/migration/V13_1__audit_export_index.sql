-- Issue #13, item 8: the audit export by patient must not grow with history.
-- The export finds the patient's events through this index (containment of one identifier in the event's patient
-- identifiers), then their entries through audit_entry_event; no scan of either table. (The outbox-lag gauge's
-- index, outbox_due, is V13's.)
CREATE INDEX clinical_event_patient_identifiers ON clinical_event
    USING gin ((body -> 'patient' -> 'identifiers') jsonb_path_ops);
