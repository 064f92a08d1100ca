package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.json.Json;
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
 * delivered: every write's fate is definitive, some are written ({@code VERIFIED}, {@code CREATED_UNVERIFIED})
 * and others definitively failed ({@code REJECTED}, {@code DEAD}, or {@code DISCARDED} by a reviewer when no send
 * of it may have landed). While any write is in review ({@code NEEDS_REVIEW}, {@code CONFLICT}, {@code MODIFIED}),
 * ambiguous, or on its way, nothing is decided; the decision is taken when the last of them ends. Policy
 * {@code none} (the default) changes nothing: the event shows {@code partially-delivered} and no clinical data is
 * touched. Policy {@code entered-in-error} plans, per
 * written sibling whose vendor takes updates of the type, its own operation that marks the record
 * entered-in-error (nothing is deleted); a sibling whose vendor cannot is left as it is. Every decision is audited
 * in the transaction of the transition that ended the fan-out. Thread-safe (stateless apart from its wiring).
 */
final class Compensations {
    private final Targets targets;
    private final String actor;
    private final StoredEvents events;

    Compensations(Targets targets, String actor, StoredEvents events) {
        this.targets = targets;
        this.actor = actor;
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
        if (writes.isEmpty() || !TenantPolicy.ENTERED_IN_ERROR.equals(writes.get(0).policy())) {
            return;
        }
        List<Fate> fates = new ArrayList<>();
        for (Write w : writes) {
            fates.add(fate(c, w));
        }
        // Decided only when every sibling's fate is final and known: a write in review, ambiguous (it may have
        // landed) or still on its way may yet be written, and marking its siblings entered-in-error could not be
        // taken back.
        if (fates.contains(Fate.OPEN) || !fates.contains(Fate.WRITTEN) || !fates.contains(Fate.FAILED)
                || alreadyDecided(c, eventId)) {
            return;
        }
        ParseResult parsed = events.parse(body);
        for (Write w : writes.stream().filter(x -> x.state() == OperationState.VERIFIED
                || x.state() == OperationState.CREATED_UNVERIFIED).toList()) {
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

    /** Where a sibling stands for the decision: in the EHR, definitively not, or not known yet. */
    private enum Fate { WRITTEN, FAILED, OPEN }

    private static Fate fate(Connection c, Write w) throws SQLException {
        return switch (w.state()) {
            case VERIFIED, CREATED_UNVERIFIED -> Fate.WRITTEN;
            case REJECTED, DEAD -> Fate.FAILED;
            // A reviewer discarded it: definitive only when nothing of it can be in the EHR.
            case DISCARDED -> w.remoteId() == null && !SendHistory.anySendMayHaveLanded(c, w.id()) ? Fate.FAILED
                    : Fate.OPEN;
            default -> Fate.OPEN;
        };
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
                + " AND " + PhiReads.NOT_A_READ + " AND action IN ('compensation.planned', 'compensation.skipped')"
                + " LIMIT 1")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
