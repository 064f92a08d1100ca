-- Release controls: per tenant, target (EHR connection) and event type, whether writes go live, are shadowed
-- (rendered exactly as they would be sent, and not sent) or are refused at intake. No row means live. When
-- allow_patients or allow_authors is not empty, only events naming a listed patient identifier (system|value) or
-- author NPI get `mode`; the others get `otherwise`. Seeded from configuration at start, changed through the API;
-- every change is an audit entry written in the same transaction.
CREATE TABLE release_control (
    tenant_id      text        NOT NULL,
    target         text        NOT NULL,
    event_type     text        NOT NULL,
    mode           text        NOT NULL CHECK (mode IN ('off', 'shadow', 'live')),
    allow_patients text[]      NOT NULL DEFAULT '{}',
    allow_authors  text[]      NOT NULL DEFAULT '{}',
    otherwise      text        NOT NULL CHECK (otherwise IN ('off', 'shadow', 'live')),
    updated_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, target, event_type)
);

-- A write planned in shadow mode is rendered by the engine instead of sent, and ends SHADOWED.
ALTER TABLE write_operation ADD COLUMN shadow boolean NOT NULL DEFAULT false;

-- What a shadowed write would have sent.
CREATE TABLE shadow_request (
    operation_id uuid PRIMARY KEY REFERENCES write_operation (id),
    method       text        NOT NULL,
    path         text        NOT NULL,
    headers      jsonb       NOT NULL DEFAULT '{}',
    content_type text,
    body         text        NOT NULL,
    rendered_at  timestamptz NOT NULL DEFAULT now()
);

-- The break-glass report lists a tenant's overrides by time without scanning the whole audit trail.
CREATE INDEX audit_entry_break_glass ON audit_entry (tenant_id, recorded_at) WHERE action = 'gate.overridden';

-- An administrator's key may change the tenant's release controls and read its break-glass report; an app's
-- key may not.
ALTER TABLE api_key ADD COLUMN admin boolean NOT NULL DEFAULT false;
