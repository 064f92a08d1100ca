package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.gate.GateOverride;
import dev.chartbridge.core.settings.TenantSettings;
import dev.chartbridge.core.trace.Traces;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * The first statement of an acceptance (issue #17: one round trip where there were seven): inserts the event, its
 * new operations and its audit entries (each with its pending mark), only if the tenant's settings intake decided with are still
 * current and no event holds the idempotency key; and takes the locks of the patient lines its operations will
 * join, so that the next statement's look at the lines sees what earlier holders committed. Stateless.
 */
final class AcceptedEvent {
    private AcceptedEvent() {
    }

    /**
     * @param current    the settings were current: when false nothing was written
     * @param inserted   the event was inserted; false when another event holds the key (nothing was written)
     * @param operations how many of the planned new operations were inserted (fewer: some content is held by
     *                   another event, and the caller undoes the transaction)
     */
    record Stored(boolean current, boolean inserted, int operations) {
    }

    /**
     * @param listed   the event's operations as the acceptance lists them (for its audit entry)
     * @param newOps   the operations to insert with the event (none for an amendment, whose changes of records
     *                 are inserted one by one, RecordChanges)
     * @param lineKeys the patient lines to lock, sorted
     */
    static Stored insert(Connection c, IntakeStore.Submission s, UUID eventId,
                         List<IntakeResult.PlannedOperation> listed, List<OperationStates.Planned> newOps,
                         OperationState initial, List<String> lineKeys) throws SQLException {
        ClinicalEvent event = s.event();
        List<GateOverride> overrides = s.glass().overrides();
        AuditLog.Entries entries = new AuditLog.Entries().add(s.tenantId(), s.actor(), "event.accepted", eventId,
                null, acceptedDetail(event, listed, overrides));
        ProvenanceNotes.keptLocally(entries, s.tenantId(), eventId, s.plan());
        for (GateOverride o : overrides) {
            entries.add(s.tenantId(), "user:" + event.author().npi(), "gate.overridden", eventId, null,
                    overrideDetail(s, o));
        }
        try (PreparedStatement ps = c.prepareStatement("WITH fresh AS (SELECT " + TenantSettings.CURRENT + " AS ok),"
                + " event AS (INSERT INTO clinical_event (id, tenant_id, idempotency_key, body_hash, event_type,"
                + " schema_version, body, traceparent) SELECT ?, ?, ?, ?, ?, ?, ?::jsonb, ? FROM fresh WHERE fresh.ok"
                + " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id), "
                + OperationStates.insertPlanned("operation", "EXISTS (SELECT 1 FROM event)") + ", "
                + AuditLog.cte("entry", "EXISTS (SELECT 1 FROM event)")
                + " SELECT (SELECT ok FROM fresh), EXISTS (SELECT 1 FROM event), (SELECT count(*) FROM operation),"
                // A replay (or a stale copy) inserted nothing: it takes no line lock, so it never waits behind
                // acceptances of the same patient.
                + " (" + Outbox.LOCK_LINES + " WHERE EXISTS (SELECT 1 FROM event))")) {
            int i = s.settings().bindCurrent(ps, 1);
            ps.setObject(i++, eventId);
            ps.setString(i++, s.tenantId());
            ps.setString(i++, s.key());
            ps.setString(i++, s.bodyHash());
            ps.setString(i++, event.type().wireName());
            ps.setString(i++, event.schemaVersion());
            ps.setString(i++, s.canonical().text());
            // The trace the event is accepted under: its attempts and webhook deliveries continue it (issue #14).
            ps.setString(i++, Traces.currentTraceparent());
            i = OperationStates.bindPlanned(c, ps, i, newOps, initial);
            i = entries.bind(c, ps, i);
            ps.setArray(i, c.createArrayOf("text", lineKeys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Stored(rs.getBoolean(1), rs.getBoolean(2), rs.getInt(3));
            }
        }
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
