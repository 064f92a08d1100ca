-- Webhooks: a tenant's app registers URLs; every status change of its events is queued for each of them in the
-- transaction of the change, and delivered (signed, retried with backoff) by any node. Nothing here is deleted:
-- a removed webhook keeps its deliveries and attempts. Signing secrets live encrypted in `secret`
-- (name webhook/<id>), never here.
CREATE TABLE webhook (
    id           uuid PRIMARY KEY,
    tenant_id    text        NOT NULL REFERENCES tenant (id),
    url          text        NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    removed_at   timestamptz
);
CREATE INDEX webhook_tenant_active ON webhook (tenant_id) WHERE removed_at IS NULL;

-- One notice to one webhook. PENDING rows are the dispatch queue: due when due_at has passed; claiming pushes
-- due_at to the end of a lease (as the outbox does), so a dead node's claims come due again by themselves.
CREATE TABLE webhook_delivery (
    id            uuid PRIMARY KEY,
    webhook_id    uuid        NOT NULL REFERENCES webhook (id),
    tenant_id     text        NOT NULL,
    notice_type   text        NOT NULL,
    event_id      uuid,
    operation_id  uuid,
    payload       text        NOT NULL,
    state         text        NOT NULL,
    attempts      int         NOT NULL DEFAULT 0,
    due_at        timestamptz NOT NULL DEFAULT now(),
    lease_token   uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (due_at) WHERE state = 'PENDING';
CREATE INDEX webhook_delivery_webhook ON webhook_delivery (webhook_id, created_at DESC);

CREATE TABLE webhook_attempt (
    id            bigserial PRIMARY KEY,
    delivery_id   uuid        NOT NULL REFERENCES webhook_delivery (id),
    started_at    timestamptz NOT NULL,
    duration_ms   int         NOT NULL,
    http_status   int,
    error         text,
    node          text        NOT NULL
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id, id);

-- Read-back watching: every write that reached a written terminal state is re-read once per interval. read_at is
-- when it was last read (or written); claiming a row stamps it, so a node that dies mid-read only delays that
-- record by one interval. The last_* columns are the baseline a change is detected against.
CREATE TABLE readback_watch (
    operation_id      uuid PRIMARY KEY REFERENCES write_operation (id),
    queue             text        NOT NULL,
    read_at           timestamptz NOT NULL,
    claim_token       uuid,
    reads             int         NOT NULL DEFAULT 0,
    last_version      text,
    last_status       text,
    last_fingerprint  text,
    last_error        text,
    deleted           boolean     NOT NULL DEFAULT false
);
CREATE INDEX readback_watch_due ON readback_watch (queue, read_at) WHERE NOT deleted;

INSERT INTO readback_watch (operation_id, queue, read_at)
SELECT id, tenant_id || '/' || target, now() FROM write_operation
WHERE state IN ('VERIFIED', 'CREATED_UNVERIFIED', 'MODIFIED');

-- What read-back found changed in the EHR, kept forever.
CREATE TABLE remote_change (
    id                bigserial PRIMARY KEY,
    operation_id      uuid        NOT NULL REFERENCES write_operation (id),
    event_id          uuid        NOT NULL,
    tenant_id         text        NOT NULL,
    detected_at       timestamptz NOT NULL DEFAULT now(),
    change            text        NOT NULL,
    previous_version  text,
    version           text,
    previous_status   text,
    status            text,
    node              text        NOT NULL
);
CREATE INDEX remote_change_event ON remote_change (event_id, id);
