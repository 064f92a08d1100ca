package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.consent.ConsentRegistry;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Takes a submitted event: parses and validates it, plans its writes per target, and stores the event, its
 * operations, their queue rows and the audit entry in one transaction. Either all of that is stored or none of
 * it. Thread-safe.
 */
public final class Intake {
    private final Jdbc jdbc;
    private final Targets targets;
    private final EventParser parser;
    private final MeterRegistry registry;
    private final Function<String, TenantPolicy> policies;

    public Intake(Jdbc jdbc, Targets targets, Clock clock, MeterRegistry registry,
                  Function<String, TenantPolicy> policies) {
        this.jdbc = jdbc;
        this.policies = policies;
        this.targets = targets;
        this.parser = new EventParser(clock);
        this.registry = registry;
    }

    /**
     * @param idempotencyKey the caller's key, or null: then the body's canonical hash serves as the key, so an
     *                       identical resubmission is recognised as the same event
     */
    public IntakeResult submit(String tenantId, String actor, String idempotencyKey, byte[] body) {
        return submit(tenantId, actor, idempotencyKey, body, null);
    }

    /**
     * @param boundPatient the patient the caller acts for, when its user's session is bound to one (SMART launch
     *                     context): an event for any other patient is refused and audited; null when unbound
     */
    public IntakeResult submit(String tenantId, String actor, String idempotencyKey, byte[] body,
                               Identifier boundPatient) {
        IntakeResult result = decide(tenantId, actor, idempotencyKey, body, boundPatient);
        String outcome = outcomeName(result);
        Counter.builder("chartbridge.events").description("Submitted events by intake outcome")
                .tag("outcome", outcome).register(registry).increment();
        return result;
    }

    private static String outcomeName(IntakeResult result) {
        if (result instanceof IntakeResult.Accepted a) {
            return a.replay() ? "replayed" : "accepted";
        }
        if (result instanceof IntakeResult.Invalid) {
            return "invalid";
        }
        if (result instanceof IntakeResult.Unsupported) {
            return "unsupported";
        }
        if (result instanceof IntakeResult.Refused) {
            return "refused";
        }
        if (result instanceof IntakeResult.KeyReused) {
            return "key-reused";
        }
        return result instanceof IntakeResult.DuplicateContent ? "duplicate-content" : "wrong-tenant";
    }

    private IntakeResult decide(String tenantId, String actor, String idempotencyKey, byte[] body,
                                Identifier boundPatient) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = Json.parse(body, errors);
        if (tree == null) {
            return new IntakeResult.Invalid(errors);
        }
        ParseResult parsed = parser.parse(tree);
        if (!parsed.isValid()) {
            return new IntakeResult.Invalid(parsed.errors());
        }
        ClinicalEvent event = parsed.event();
        if (event.tenant() != null && !event.tenant().equals(tenantId)) {
            return new IntakeResult.WrongTenant(event.tenant());
        }
        if (boundPatient != null && !event.patientIdentifiers().contains(boundPatient)) {
            return refuse(tenantId, actor, event, new FieldError("/patient/identifiers",
                    "does not name the patient this caller is bound to (X-Patient-Context)"));
        }
        if (event.type() == EventType.MEDICATION_CHANGE && !event.author().role().mayOrderMedication()) {
            return refuse(tenantId, actor, event, new FieldError("/author/role", "a "
                    + event.author().role().wireName() + " may not author a medication change"));
        }
        List<PlannedTarget> plan = new ArrayList<>();
        List<FieldError> unknown = new ArrayList<>();
        List<FieldError> refused = new ArrayList<>();
        for (int i = 0; i < event.targets().size(); i++) {
            String name = event.targets().get(i);
            Target target = targets.find(tenantId, name).orElse(null);
            if (target == null) {
                unknown.add(new FieldError("/targets/" + i, "is not an EHR connection of tenant " + tenantId));
                continue;
            }
            WritePlan writes = target.adapter().plan(event);
            if (writes.isRefused()) {
                refused.add(new FieldError("/targets/" + i, target.adapter().vendor() + " cannot take a "
                        + event.type().wireName() + " event: " + writes.refusal()));
            } else {
                plan.add(new PlannedTarget(target, writes));
            }
        }
        if (!unknown.isEmpty()) {
            return new IntakeResult.Invalid(unknown);
        }
        if (!refused.isEmpty()) {
            return new IntakeResult.Unsupported(refused);
        }
        String canonical = Json.canonical(tree);
        String bodyHash = Json.sha256(canonical);
        String key = idempotencyKey != null ? idempotencyKey : "body:" + bodyHash;
        IntakeResult result = jdbc.inTransaction(c -> store(c, tenantId, actor, key, bodyHash, canonical, tree, event,
                plan));
        if (result instanceof IntakeResult.Refused r) {
            auditRefusal(tenantId, actor, event, r);
        }
        return result;
    }

    /** A gate's refusal is a decision worth keeping: audited in its own transaction (the event was not stored). */
    private void auditRefusal(String tenantId, String actor, ClinicalEvent event, IntakeResult.Refused refused) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("type", event.type().wireName());
        var reasons = d.putArray("reasons");
        refused.errors().forEach(e -> reasons.add(e.pointer() + " " + e.detail()));
        jdbc.inTransaction(c -> {
            AuditLog.append(c, tenantId, actor, "event.refused", null, null, Json.canonical(d));
            return null;
        });
    }

    private IntakeResult refuse(String tenantId, String actor, ClinicalEvent event, FieldError why) {
        IntakeResult.Refused refused = new IntakeResult.Refused(List.of(why));
        auditRefusal(tenantId, actor, event, refused);
        return refused;
    }

    private record PlannedTarget(Target target, WritePlan writes) {
    }

    private IntakeResult store(Connection c, String tenantId, String actor, String key, String bodyHash,
                               String canonical, JsonNode tree, ClinicalEvent event, List<PlannedTarget> plan)
            throws SQLException {
        String consentScope = policies.apply(tenantId).requiredConsentScope();
        if (consentScope != null && event.type() != EventType.CONSENT) {
            Optional<String> missing = ConsentRegistry.missingPermit(c, tenantId, event, consentScope);
            if (missing.isPresent()) {
                return new IntakeResult.Refused(List.of(new FieldError("/patient", missing.get())));
            }
        }
        UUID eventId = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clinical_event (id, tenant_id, idempotency_key,"
                + " body_hash, event_type, schema_version, body) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)"
                + " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING")) {
            ps.setObject(1, eventId);
            ps.setString(2, tenantId);
            ps.setString(3, key);
            ps.setString(4, bodyHash);
            ps.setString(5, event.type().wireName());
            ps.setString(6, event.schemaVersion());
            ps.setString(7, canonical);
            if (ps.executeUpdate() == 0) {
                return earlier(c, tenantId, key, bodyHash);
            }
        }
        String contentBase = OperationKey.contentBase(tenantId, event, tree);
        boolean held = event.type() == EventType.MEDICATION_CHANGE;
        OperationState initial = held ? OperationState.AWAITING_APPROVAL : OperationState.DUE;
        List<IntakeResult.PlannedOperation> operations = new ArrayList<>();
        for (PlannedTarget p : plan) {
            List<String> types = p.writes().resourceTypes();
            for (int part = 0; part < types.size(); part++) {
                UUID opId = UUID.randomUUID();
                String opKey = OperationKey.of(contentBase, p.target().name(), part);
                UUID clash = insertOperation(c, opId, eventId, tenantId, p.target(), part, types.get(part), opKey,
                        OperationKey.orderKey(tenantId, event, p.target().name()), initial);
                if (clash != null) {
                    c.rollback();
                    return new IntakeResult.DuplicateContent(clash);
                }
                operations.add(new IntakeResult.PlannedOperation(opId, p.target().name(), part, types.get(part),
                        initial.name()));
            }
        }
        if (event.type() == EventType.CONSENT) {
            ConsentRegistry.record(c, tenantId, eventId, event);
        }
        AuditLog.append(c, tenantId, actor, "event.accepted", eventId, null, acceptedDetail(event, operations));
        if (!held) {
            // After the acceptance is on record, so a write held behind an earlier one reads in that order.
            for (IntakeResult.PlannedOperation op : operations) {
                Outbox.enqueue(c, op.id(), targets.find(tenantId, op.target()).orElseThrow().queue());
            }
        }
        return new IntakeResult.Accepted(eventId, operations, false);
    }

    /** Inserts the operation; returns the event id that already holds this content, if any. */
    private static UUID insertOperation(Connection c, UUID opId, UUID eventId, String tenantId, Target target,
                                        int part, String resourceType, String opKey, String orderKey,
                                        OperationState initial)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_operation (id, event_id, tenant_id, target,"
                + " vendor, part, resource_type, operation_key, state, order_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, target, operation_key) DO NOTHING")) {
            ps.setObject(1, opId);
            ps.setObject(2, eventId);
            ps.setString(3, tenantId);
            ps.setString(4, target.name());
            ps.setString(5, target.adapter().vendor());
            ps.setInt(6, part);
            ps.setString(7, resourceType);
            ps.setString(8, opKey);
            ps.setString(9, initial.name());
            ps.setString(10, orderKey);
            if (ps.executeUpdate() == 0) {
                try (PreparedStatement q = c.prepareStatement("SELECT event_id FROM write_operation"
                        + " WHERE tenant_id = ? AND target = ? AND operation_key = ?")) {
                    q.setString(1, tenantId);
                    q.setString(2, target.name());
                    q.setString(3, opKey);
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        return rs.getObject(1, UUID.class);
                    }
                }
            }
        }
        return null;
    }

    private static IntakeResult earlier(Connection c, String tenantId, String key, String bodyHash)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.id, e.body_hash FROM clinical_event e"
                + " WHERE e.tenant_id = ? AND e.idempotency_key = ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                UUID id = rs.getObject(1, UUID.class);
                if (!rs.getString(2).equals(bodyHash)) {
                    return new IntakeResult.KeyReused(id);
                }
                return new IntakeResult.Accepted(id, operationsOf(c, id), true);
            }
        }
    }

    private static List<IntakeResult.PlannedOperation> operationsOf(Connection c, UUID eventId) throws SQLException {
        List<IntakeResult.PlannedOperation> ops = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, target, part, resource_type, state"
                + " FROM write_operation WHERE event_id = ? ORDER BY target, part")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ops.add(new IntakeResult.PlannedOperation(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getInt(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return ops;
    }

    private static String acceptedDetail(ClinicalEvent event, List<IntakeResult.PlannedOperation> operations) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("type", event.type().wireName());
        d.put("aiAssisted", event.provenance().aiAssisted());
        d.put("authorNpi", event.author().npi());
        var ops = d.putArray("operations");
        for (IntakeResult.PlannedOperation op : operations) {
            ops.addObject().put("id", op.id().toString()).put("target", op.target()).put("part", op.part())
                    .put("resourceType", op.resourceType());
        }
        return Json.canonical(d);
    }
}
