-- ChartBridge spine schema. History is never deleted: events, write operations, attempts and audit entries
-- are kept forever; only the outbox (the work queue) shrinks as operations reach a terminal state.

CREATE TABLE tenant (
    id          text PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored as SHA-256 of the secret; the secret itself is shown once and never stored.
CREATE TABLE api_key (
    id          uuid PRIMARY KEY,
    tenant_id   text        NOT NULL REFERENCES tenant (id),
    key_hash    bytea       NOT NULL UNIQUE,
    label       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE clinical_event (
    id               uuid PRIMARY KEY,
    tenant_id        text        NOT NULL REFERENCES tenant (id),
    idempotency_key  text        NOT NULL,
    body_hash        text        NOT NULL,
    event_type       text        NOT NULL,
    schema_version   text        NOT NULL,
    body             jsonb       NOT NULL,
    accepted_at      timestamptz NOT NULL DEFAULT now(),
    accepted_seq     bigserial   NOT NULL,
    UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE write_operation (
    id                uuid PRIMARY KEY,
    event_id          uuid        NOT NULL REFERENCES clinical_event (id),
    tenant_id         text        NOT NULL,
    target            text        NOT NULL,
    vendor            text        NOT NULL,
    part              int         NOT NULL,
    resource_type     text        NOT NULL,
    operation_key     text        NOT NULL,
    state             text        NOT NULL,
    sends             int         NOT NULL DEFAULT 0,
    checks            int         NOT NULL DEFAULT 0,
    remote_id         text,
    remote_version    text,
    error_class       text,
    error_detail      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, target, operation_key)
);
CREATE INDEX write_operation_event ON write_operation (event_id);

-- The work queue. A row is due when due_at has passed; claiming it pushes due_at to the end of the lease, so
-- an expired lease (a dead node) makes the row due again without any extra bookkeeping.
CREATE TABLE outbox (
    operation_id  uuid PRIMARY KEY REFERENCES write_operation (id),
    queue         text        NOT NULL,
    due_at        timestamptz NOT NULL,
    lease_owner   text,
    lease_token   uuid
);
CREATE INDEX outbox_queue_due ON outbox (queue, due_at);

CREATE TABLE delivery_attempt (
    id               bigserial PRIMARY KEY,
    operation_id     uuid        NOT NULL REFERENCES write_operation (id),
    step             text        NOT NULL,
    started_at       timestamptz NOT NULL,
    duration_ms      int         NOT NULL,
    outcome          text        NOT NULL,
    http_status      int,
    error_class      text,
    detail           text,
    request_digest   text,
    trace_id         text        NOT NULL,
    node             text        NOT NULL
);
CREATE INDEX delivery_attempt_operation ON delivery_attempt (operation_id, id);

-- Audit entries are appended inside the business transaction, unlinked, so intake never queues behind a
-- per-tenant chain head. A single sealer (advisory lock) links them moments later into audit_seal: per tenant,
-- seq 1, 2, 3 ... each hashing the previous seal's hash and the entry's content.
CREATE TABLE audit_entry (
    id            bigserial PRIMARY KEY,
    tenant_id     text        NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor         text        NOT NULL,
    action        text        NOT NULL,
    event_id      uuid,
    operation_id  uuid,
    detail        text        NOT NULL
);
CREATE INDEX audit_entry_event ON audit_entry (event_id, id);

CREATE TABLE audit_seal (
    tenant_id   text        NOT NULL,
    seq         bigint      NOT NULL,
    entry_id    bigint      NOT NULL UNIQUE,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    sealed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq)
);

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- Entries not yet linked into their tenant's chain. Filled by a trigger so no insert path can forget it; the
-- sealer removes what it links. A rolled-back transaction leaves neither an entry nor a pending row behind.
CREATE TABLE audit_pending (
    entry_id   bigint PRIMARY KEY
);

CREATE FUNCTION audit_entry_to_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_pending (entry_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER audit_entry_pending AFTER INSERT ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_to_pending();
