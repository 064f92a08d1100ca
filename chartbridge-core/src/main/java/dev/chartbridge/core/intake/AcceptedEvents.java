package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.gate.GateOverride;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.settings.TenantSettings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The first statement of an acceptance, for one event or a group committed together (issue #17: one round trip where
 * there were seven, and one per group where there was one per event): inserts the events, their new operations and
 * their audit entries (each with its pending mark), only if every tenant's settings intake decided with are still
 * current; an event whose idempotency key another event holds writes nothing. It takes the locks of the patient
 * lines the inserted events' operations will join, so that the next statement's look at the lines sees what earlier
 * holders committed. Stateless.
 */
final class AcceptedEvents {
    private AcceptedEvents() {
    }

    /**
     * One event to insert.
     *
     * @param listed   the event's operations as the acceptance lists them (for its audit entry)
     * @param newOps   the operations to insert with the event (none for an amendment, whose changes of records
     *                 are inserted one by one, RecordChanges)
     * @param lineKeys the patient lines its new operations will join
     */
    record Accepting(IntakeStore.Submission submission, UUID eventId, List<IntakeResult.PlannedOperation> listed,
                     List<OperationStates.Planned> newOps, List<String> lineKeys) {
    }

    /**
     * @param current    every settings copy was current: when false nothing was written
     * @param inserted   the events inserted; an event not among them found its key held by another event, and
     *                   nothing of it was written
     * @param operations per inserted event, how many of its planned new operations were inserted (fewer: some
     *                   content is held by another event, and the caller undoes the transaction)
     */
    record Stored(boolean current, Set<UUID> inserted, Map<UUID, Integer> operations) {
        boolean allOperationsOf(Accepting a) {
            return operations.getOrDefault(a.eventId(), 0) == a.newOps().size();
        }
    }

    static Stored insert(Connection c, List<Accepting> events) throws SQLException {
        AuditLog.Entries entries = new AuditLog.Entries();
        List<OperationStates.Planned> newOps = new ArrayList<>();
        Map<String, TenantSettings> copies = new LinkedHashMap<>();
        List<Map.Entry<String, UUID>> lines = new ArrayList<>();
        for (Accepting a : events) {
            IntakeStore.Submission s = a.submission();
            List<GateOverride> overrides = s.glass().overrides();
            entries.add(s.tenantId(), s.actor(), "event.accepted", a.eventId(), null,
                    acceptedDetail(s.event(), a.listed(), overrides));
            ProvenanceNotes.keptLocally(entries, s.tenantId(), a.eventId(), s.plan());
            for (GateOverride o : overrides) {
                entries.add(s.tenantId(), "user:" + s.event().author().npi(), "gate.overridden", a.eventId(), null,
                        overrideDetail(s, o));
            }
            newOps.addAll(a.newOps());
            copies.putIfAbsent(s.settings().tenantId() + "@" + s.settings().version(), s.settings());
            a.lineKeys().forEach(k -> lines.add(Map.entry(k, a.eventId())));
        }
        // One order for every transaction's line locks: two groups that share lines never wait on each other in a circle.
        lines.sort(Map.Entry.comparingByKey());
        try (PreparedStatement ps = c.prepareStatement("WITH fresh AS (" + TenantSettings.ALL_CURRENT + "),"
                + " event AS (INSERT INTO clinical_event (id, tenant_id, idempotency_key, body_hash, event_type,"
                + " schema_version, body, traceparent) SELECT u.id, u.tenant_id, u.k, u.h, u.t, u.v, u.b::jsonb, u.tp"
                + " FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[]) WITH ORDINALITY AS u(id, tenant_id, k, h, t, v, b, tp, n) WHERE (SELECT * FROM fresh)"
                + " ORDER BY u.n ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id), "
                + OperationStates.insertPlanned("operation", "u.event_id IN (SELECT id FROM event)") + ", "
                + AuditLog.cte("entry", "u.event_id IN (SELECT id FROM event)")
                + " SELECT (SELECT * FROM fresh), ARRAY(SELECT id FROM event), ARRAY(SELECT event_id FROM operation),"
                + " (" + Outbox.lockLinesOf("ARRAY(SELECT id FROM event)") + ")")) {
            int i = TenantSettings.bindAllCurrent(c, ps, 1, copies.values());
            ps.setArray(i++, c.createArrayOf("uuid", events.stream().map(Accepting::eventId).toArray()));
            ps.setArray(i++, array(c, events, a -> a.submission().tenantId()));
            ps.setArray(i++, array(c, events, a -> a.submission().key()));
            ps.setArray(i++, array(c, events, a -> a.submission().bodyHash()));
            ps.setArray(i++, array(c, events, a -> a.submission().event().type().wireName()));
            ps.setArray(i++, array(c, events, a -> a.submission().event().schemaVersion()));
            ps.setArray(i++, array(c, events, a -> a.submission().canonical().text()));
            // The trace each event was submitted under: its attempts and webhook deliveries continue it (issue #14).
            ps.setArray(i++, array(c, events, a -> a.submission().traceparent()));
            i = OperationStates.bindPlanned(c, ps, i, newOps);
            i = entries.bind(c, ps, i);
            ps.setArray(i++, c.createArrayOf("text", lines.stream().map(Map.Entry::getKey).toArray()));
            ps.setArray(i, c.createArrayOf("uuid", lines.stream().map(Map.Entry::getValue).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Set<UUID> inserted = new HashSet<>(List.of((UUID[]) rs.getArray(2).getArray()));
                Map<UUID, Integer> operations = new HashMap<>();
                for (UUID event : (UUID[]) rs.getArray(3).getArray()) {
                    operations.merge(event, 1, Integer::sum);
                }
                return new Stored(rs.getBoolean(1), inserted, operations);
            }
        }
    }

    private static java.sql.Array array(Connection c, List<Accepting> events, Function<Accepting, String> value)
            throws SQLException {
        return c.createArrayOf("text", events.stream().map(value).toArray());
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

    private static String overrideDetail(IntakeStore.Submission s, GateOverride o) {
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
