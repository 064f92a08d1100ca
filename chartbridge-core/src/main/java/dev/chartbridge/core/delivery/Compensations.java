package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.intake.ParseResult;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The fan-out compensation policy, applied when the last write of an event ends and the event is partially
 * delivered (some targets written, others not). Policy {@code none} (the default) changes nothing: the event
 * shows {@code partially-delivered} and no clinical data is touched. Policy {@code entered-in-error} plans, per
 * written sibling whose vendor takes updates of the type, its own operation that marks the record
 * entered-in-error (nothing is deleted); a sibling whose vendor cannot is left as it is. Every decision is audited
 * in the transaction of the transition that ended the fan-out. Thread-safe (stateless apart from its wiring).
 */
final class Compensations {
    private final Targets targets;
    private final String actor;
    private final StoredEvents events;

    Compensations(Targets targets, String node, StoredEvents events) {
        this.targets = targets;
        this.actor = "node:" + node;
        this.events = events;
    }

    private record Write(UUID id, String tenantId, String target, String resourceType, String recordKey,
                         String remoteId, String remoteVersion, OperationState state, String policy) {
    }

    /** Runs in the transaction that moved one of {@code eventId}'s original writes to a terminal state. */
    void planIfPartial(Connection c, UUID eventId) throws SQLException {
        // One decision per event: the event row serializes the writes that end concurrently, and each statement
        // after the lock sees what the others committed.
        String body;
        try (PreparedStatement ps = c.prepareStatement("SELECT body::text FROM clinical_event WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                body = rs.getString(1);
            }
        }
        List<Write> writes = writes(c, eventId);
        boolean ended = writes.stream().allMatch(w -> w.state().isTerminal());
        boolean someWritten = writes.stream().anyMatch(w -> w.state().isWritten());
        boolean someFailed = writes.stream().anyMatch(w -> !w.state().isWritten());
        if (!ended || !someWritten || !someFailed || alreadyDecided(c, eventId)
                || !TenantPolicy.ENTERED_IN_ERROR.equals(writes.get(0).policy())) {
            return;
        }
        ParseResult parsed = events.parse(body);
        for (Write w : writes.stream().filter(x -> x.state().isWritten()).toList()) {
            Target target = targets.find(w.tenantId(), w.target()).orElse(null);
            WritePlan plan = target == null || !parsed.isValid() ? WritePlan.refused("target not configured")
                    : target.adapter().planUpdate(parsed.event());
            ObjectNode d = Json.MAPPER.createObjectNode().put("target", w.target()).put("sibling", w.id().toString())
                    .put("policy", TenantPolicy.ENTERED_IN_ERROR);
            if (plan.isRefused()) {
                AuditLog.append(c, w.tenantId(), actor, "compensation.skipped", eventId, w.id(),
                        Json.canonical(d.put("reason", plan.refusal())));
                continue;
            }
            UUID opId = UUID.randomUUID();
            if (OperationStates.insert(c, new RecordChanges.Change(opId, eventId, w.tenantId(), target,
                    RecordChanges.COMPENSATE, "compensate:" + w.id(), w.id(), w.recordKey(), w.resourceType(),
                    w.remoteId(), w.remoteVersion(), TenantPolicy.REVIEW), OperationState.DUE)) {
                Outbox.enqueue(c, opId, target.queue());
            }
            AuditLog.append(c, w.tenantId(), actor, "compensation.planned", eventId, opId,
                    Json.canonical(d.put("action", "mark entered-in-error")));
        }
    }

    private static List<Write> writes(Connection c, UUID eventId) throws SQLException {
        List<Write> writes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, tenant_id, target, resource_type,"
                + " coalesce(record_key, operation_key), remote_id, remote_version, state, compensation"
                + " FROM write_operation WHERE event_id = ? AND kind <> 'compensate'"
                // A Provenance describes the clinical writes; its fate never decides whether they are compensated.
                + " AND resource_type <> 'Provenance' ORDER BY target, part")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    writes.add(new Write(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            OperationState.valueOf(rs.getString(8)), rs.getString(9)));
                }
            }
        }
        return writes;
    }

    private static boolean alreadyDecided(Connection c, UUID eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_entry WHERE event_id = ?"
                + " AND action IN ('compensation.planned', 'compensation.skipped') LIMIT 1")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
