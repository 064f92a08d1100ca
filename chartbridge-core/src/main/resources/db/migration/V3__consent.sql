-- The consent registry: every accepted consent event, per patient identifier, kept forever. The newest entry
-- for a patient and scope decides (a later deny overrides an earlier permit).
CREATE TABLE consent_record (
    id            bigserial PRIMARY KEY,
    tenant_id     text        NOT NULL,
    patient_token text        NOT NULL,
    scope         text        NOT NULL,
    decision      text        NOT NULL,
    status        text        NOT NULL,
    period_start  date        NOT NULL,
    period_end    date,
    jurisdiction  text,
    event_id      uuid        NOT NULL REFERENCES clinical_event (id),
    occurred_at   timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_record_patient ON consent_record (tenant_id, patient_token, scope, occurred_at DESC);
