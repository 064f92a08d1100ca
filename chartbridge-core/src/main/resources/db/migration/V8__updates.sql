-- Updates of earlier writes (amendments), conflicts and fan-out compensation (issue #5).
--
-- kind: 'create' (the original write), 'update' (an amendment of the record an earlier operation wrote) or
-- 'compensate' (marking a sibling's record entered-in-error after a partial fan-out). An update or compensation
-- names the operation whose record it changes (amends_operation_id); record_key is the identity stamped on that
-- record (the original create's operation key), so reconciliation and read-back find the same record.
-- on_conflict is the per-type policy in force when the update was planned ('merge' or 'review'); compensation is
-- the per-type fan-out policy in force when the event was accepted ('none' or 'entered-in-error').
ALTER TABLE write_operation
    ADD COLUMN kind                text NOT NULL DEFAULT 'create',
    ADD COLUMN amends_operation_id uuid REFERENCES write_operation (id),
    ADD COLUMN record_key          text,
    ADD COLUMN on_conflict         text,
    ADD COLUMN compensation        text NOT NULL DEFAULT 'none';
CREATE INDEX write_operation_amends ON write_operation (amends_operation_id) WHERE amends_operation_id IS NOT NULL;

-- One row per conflict an update met: what the gateway meant to write and what the EHR holds now, side by side,
-- for the reviewer. Kept forever, like every other part of an operation's history.
CREATE TABLE write_conflict (
    id              bigserial PRIMARY KEY,
    operation_id    uuid        NOT NULL REFERENCES write_operation (id),
    detected_at     timestamptz NOT NULL DEFAULT now(),
    base_version    text,
    remote_version  text,
    local_fields    text        NOT NULL,
    remote_fields   text        NOT NULL,
    local_intent    text        NOT NULL,
    remote_content  text
);
CREATE INDEX write_conflict_operation ON write_conflict (operation_id, id);

-- A record is amended along one line: the newest amendment must be the one amended next (two amendments of the
-- same write racing at intake cannot both be accepted).
CREATE UNIQUE INDEX write_operation_one_update ON write_operation (amends_operation_id) WHERE kind = 'update';
-- A written record is compensated at most once.
CREATE UNIQUE INDEX write_operation_one_compensation ON write_operation (amends_operation_id) WHERE kind = 'compensate';
