package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.consent.ConsentRegistry;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.delivery.RecordChanges;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.gate.Gate;
import dev.chartbridge.core.gate.GateOverride;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseControls;
import dev.chartbridge.core.release.ReleaseMode;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.trace.Traces;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The transactional half of intake: the gates that read the database (consent, release controls, the record an
 * amendment changes), then the event, its operations and queue rows, and its audit entries, all inside the caller's
 * transaction. Stateless.
 */
final class IntakeStore {
    private IntakeStore() {
    }

    /** One target's writes, with the target's index in the event's {@code targets}. */
    record PlannedTarget(int index, Target target, WritePlan writes) {
    }

    /** Everything intake decided before the transaction. */
    record Submission(String tenantId, String actor, String key, String bodyHash, String canonical, JsonNode tree,
                      ClinicalEvent event, List<PlannedTarget> plan, TenantPolicy policy, BreakGlassCheck glass) {
    }

    static IntakeResult store(Connection c, Submission s) throws SQLException {
        ClinicalEvent event = s.event();
        String consentScope = s.policy().requiredConsentScope();
        if (consentScope != null && event.type() != EventType.CONSENT) {
            Optional<String> missing = ConsentRegistry.missingPermit(c, s.tenantId(), event, consentScope);
            if (missing.isPresent()) {
                FieldError refused = s.glass().overrideOrRefuse(Gate.CONSENT, new FieldError("/patient",
                        missing.get()));
                if (refused != null) {
                    return new IntakeResult.Refused(List.of(refused));
                }
            }
        }
        Map<String, ReleaseControl> controls = ReleaseControls.forType(c, s.tenantId(), event.type().wireName());
        List<FieldError> off = new ArrayList<>();
        List<Boolean> shadow = new ArrayList<>();
        for (PlannedTarget p : s.plan()) {
            ReleaseControl control = controls.getOrDefault(p.target().name(),
                    ReleaseControl.live(p.target().name(), event.type().wireName()));
            ReleaseMode mode = control.modeFor(event);
            if (mode == ReleaseMode.OFF) {
                off.add(new FieldError("/targets/" + p.index(), "release control: target " + p.target().name()
                        + " takes no " + event.type().wireName() + " events" + (control.hasAllowlist()
                        ? " from this author or patient (not on the allowlist)" : "") + " (mode off)"));
            }
            shadow.add(mode == ReleaseMode.SHADOW);
        }
        if (!off.isEmpty()) {
            return new IntakeResult.Refused(off);
        }
        Map<String, Amendments.Earlier> earlier = Map.of();
        if (event.isAmendment()) {
            List<FieldError> errors = new ArrayList<>();
            earlier = Amendments.resolve(c, s.tenantId(), event, errors);
            for (int t = 0; t < s.plan().size(); t++) {
                if (shadow.get(t)) {
                    errors.add(new FieldError("/targets/" + s.plan().get(t).index(), "release control: target "
                            + s.plan().get(t).target().name() + " is in shadow mode for " + event.type().wireName()
                            + " events, and amendments are not rendered in shadow mode"));
                }
            }
            if (!errors.isEmpty()) {
                return new IntakeResult.InvalidAmendment(errors);
            }
        }
        UUID eventId = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clinical_event (id, tenant_id, idempotency_key,"
                + " body_hash, event_type, schema_version, body, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)"
                + " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING")) {
            ps.setObject(1, eventId);
            ps.setString(2, s.tenantId());
            ps.setString(3, s.key());
            ps.setString(4, s.bodyHash());
            ps.setString(5, event.type().wireName());
            ps.setString(6, event.schemaVersion());
            ps.setString(7, s.canonical());
            // The trace the event is accepted under: its attempts and webhook deliveries continue it (issue #14).
            ps.setString(8, Traces.currentTraceparent());
            if (ps.executeUpdate() == 0) {
                // Stored by a concurrent submission of the same key since intake looked it up.
                return earlier(c, s.tenantId(), s.key(), s.bodyHash());
            }
        }
        String contentBase = OperationKey.contentBase(s.tenantId(), event, s.tree());
        boolean held = event.type() == EventType.MEDICATION_CHANGE;
        OperationState initial = held ? OperationState.AWAITING_APPROVAL : OperationState.DUE;
        List<IntakeResult.PlannedOperation> operations = new ArrayList<>();
        String compensation = s.policy().compensationPolicy(event.type());
        for (int t = 0; t < s.plan().size(); t++) {
            PlannedTarget p = s.plan().get(t);
            if (event.isAmendment()) {
                Amendments.Earlier e = earlier.get(p.target().name());
                UUID opId = UUID.randomUUID();
                if (!OperationStates.insert(c, new RecordChanges.Change(opId, eventId, s.tenantId(), p.target(),
                        RecordChanges.UPDATE, OperationKey.of(contentBase, p.target().name(), 0), e.operationId(),
                        e.recordKey(), e.resourceType(), e.remoteId(), e.remoteVersion(),
                        s.policy().conflictPolicy(event.type())), initial)) {
                    c.rollback();
                    return new IntakeResult.InvalidAmendment(List.of(new FieldError("/amends",
                            "its write to " + p.target().name() + " was amended by another event just now")));
                }
                operations.add(new IntakeResult.PlannedOperation(opId, p.target().name(), 0, e.resourceType(),
                        initial.name(), false));
                continue;
            }
            List<String> types = p.writes().resourceTypes();
            for (int part = 0; part < types.size(); part++) {
                UUID opId = UUID.randomUUID();
                String opKey = OperationKey.of(contentBase, p.target().name(), part);
                UUID clash = insertOperation(c, new OperationStates.Planned(opId, eventId, s.tenantId(), p.target(),
                        part, types.get(part), opKey, OperationKey.orderKey(s.tenantId(), event, p.target().name()),
                        shadow.get(t), compensation), initial);
                if (clash != null) {
                    c.rollback();
                    return new IntakeResult.DuplicateContent(clash);
                }
                operations.add(new IntakeResult.PlannedOperation(opId, p.target().name(), part, types.get(part),
                        initial.name(), shadow.get(t)));
            }
        }
        if (event.type() == EventType.CONSENT) {
            ConsentRegistry.record(c, s.tenantId(), eventId, event);
        }
        List<GateOverride> overrides = s.glass().overrides();
        AuditLog.append(c, s.tenantId(), s.actor(), "event.accepted", eventId, null,
                acceptedDetail(event, operations, overrides));
        ProvenanceNotes.keptLocally(c, s.tenantId(), eventId, s.plan());
        for (GateOverride o : overrides) {
            AuditLog.append(c, s.tenantId(), "user:" + event.author().npi(), "gate.overridden", eventId, null,
                    overrideDetail(s, o));
        }
        if (!held) {
            // After the acceptance is on record, so a write held behind an earlier one reads in that order. The
            // operations were inserted above, DUE and with their order keys: nothing needs reading back.
            for (int t = 0; t < s.plan().size(); t++) {
                String queue = s.plan().get(t).target().queue();
                String name = s.plan().get(t).target().name();
                String orderKey = OperationKey.orderKey(s.tenantId(), event, name);
                for (IntakeResult.PlannedOperation op : operations) {
                    if (op.target().equals(name) && event.isAmendment()) {
                        // An amendment stands in the line of the record it changes (RecordChanges).
                        Outbox.enqueue(c, op.id(), queue);
                    } else if (op.target().equals(name)) {
                        Outbox.enqueueNew(c, op.id(), queue, s.tenantId(), eventId, orderKey);
                    }
                }
            }
        }
        return new IntakeResult.Accepted(eventId, operations, false);
    }

    /** Inserts the operation; returns the event id that already holds this content, if any. */
    private static UUID insertOperation(Connection c, OperationStates.Planned op, OperationState initial)
            throws SQLException {
        if (OperationStates.insert(c, op, initial)) {
            return null;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT event_id FROM write_operation"
                + " WHERE tenant_id = ? AND target = ? AND operation_key = ?")) {
            q.setString(1, op.tenantId());
            q.setString(2, op.target().name());
            q.setString(3, op.operationKey());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /**
     * The answer to an event stored earlier under this key: the original acceptance (a replay) when the body is the
     * same, {@link IntakeResult.KeyReused} when it differs; null when nothing is stored under the key.
     */
    static IntakeResult earlier(Connection c, String tenantId, String key, String bodyHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.id, e.body_hash, e.event_type FROM clinical_event e"
                + " WHERE e.tenant_id = ? AND e.idempotency_key = ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                UUID id = rs.getObject(1, UUID.class);
                if (!rs.getString(2).equals(bodyHash)) {
                    return new IntakeResult.KeyReused(id);
                }
                OperationState initial = EventType.MEDICATION_CHANGE.wireName().equals(rs.getString(3))
                        ? OperationState.AWAITING_APPROVAL : OperationState.DUE;
                return new IntakeResult.Accepted(id, operationsOf(c, id, initial), true);
            }
        }
    }

    /** The event's operations as they were planned at acceptance (the state they were stored in). */
    private static List<IntakeResult.PlannedOperation> operationsOf(Connection c, UUID eventId,
                                                                    OperationState initial) throws SQLException {
        List<IntakeResult.PlannedOperation> ops = new ArrayList<>();
        // In the order the acceptance listed them: by the target's place in the event's targets, then part.
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, o.target, o.part, o.resource_type, o.shadow"
                + " FROM write_operation o JOIN clinical_event e ON e.id = o.event_id"
                + " LEFT JOIN LATERAL (SELECT min(t.ord) AS ord FROM jsonb_array_elements_text(e.body -> 'targets')"
                + " WITH ORDINALITY AS t(name, ord) WHERE t.name = o.target) listed ON true"
                + " WHERE o.event_id = ? ORDER BY listed.ord, o.target, o.part")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ops.add(new IntakeResult.PlannedOperation(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getInt(3), rs.getString(4), initial.name(), rs.getBoolean(5)));
                }
            }
        }
        return ops;
    }

    private static String acceptedDetail(ClinicalEvent event, List<IntakeResult.PlannedOperation> operations,
                                         List<GateOverride> overrides) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("type", event.type().wireName());
        d.put("aiAssisted", event.provenance().aiAssisted());
        d.put("authorNpi", event.author().npi());
        if (event.isAmendment()) {
            d.put("amends", event.amends().toString());
        }
        var ops = d.putArray("operations");
        for (IntakeResult.PlannedOperation op : operations) {
            ObjectNode o = ops.addObject().put("id", op.id().toString()).put("target", op.target())
                    .put("part", op.part()).put("resourceType", op.resourceType());
            if (op.shadow()) {
                o.put("shadow", true);
            }
        }
        if (!overrides.isEmpty()) {
            var gates = d.putArray("overriddenGates");
            overrides.forEach(o -> gates.add(o.gate().wireName()));
        }
        return Json.canonical(d);
    }

    private static String overrideDetail(Submission s, GateOverride o) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("gate", o.gate().wireName());
        d.put("reason", s.glass().request().reason());
        d.put("npi", s.event().author().npi());
        d.put("role", s.event().author().role().wireName());
        d.put("wouldHaveRefused", o.wouldHaveRefused().pointer() + " " + o.wouldHaveRefused().detail());
        d.put("via", s.actor());
        return Json.canonical(d);
    }
}
