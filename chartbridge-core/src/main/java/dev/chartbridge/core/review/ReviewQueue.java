package dev.chartbridge.core.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.delivery.RecordChanges;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;

/**
 * A reviewer's actions on operations in review ({@link OperationState#needsReview()}). Each action locks the
 * operation's row, checks it is still in review, moves it, queues it for the engine when there is work left, and
 * audits who did it and why, all in one transaction: of two reviewers acting at once, exactly one acts and the
 * other is told the operation is no longer in review.
 *
 * <p>Where an action hands the operation back to the engine:
 * <ul>
 *   <li>{@code retry}: {@code DUE} when the last send was clearly refused (429/503 retries exhausted, 409/412
 *       conflict, another 4xx) or nothing was ever sent; otherwise the send may have landed, so {@code CREATED}
 *       when the EHR's id of the record is known (verified again, e.g. after the reviewer corrected it in the EHR)
 *       and {@code UNKNOWN} when it is not (the engine searches the EHR before any resend).</li>
 *   <li>{@code mark-delivered}: {@code CREATED} with the reviewer's remote id, so the engine reads the record back
 *       and compares its critical fields like any other write (VERIFIED, or MODIFIED back in review).</li>
 *   <li>{@code resend-anyway}: {@code DUE} with the remote id cleared: the engine sends without searching. An
 *       update keeps the record it changes (its id); in {@code CONFLICT} it is sent whole on the current version
 *       the reviewer was shown (the newest stored conflict's).</li>
 *   <li>{@code apply-on-current} (an update in {@code CONFLICT} only): {@code DUE} on the current version the
 *       reviewer was shown; the adapter applies the gateway's changed fields on top of that version, keeping the
 *       EHR's other changes, or finds a conflict again if the record moved on since.</li>
 *   <li>{@code discard}: {@code DISCARDED}, terminal; nothing is queued and nothing in the EHR is deleted.</li>
 * </ul>
 * {@code retry} on an update in {@code CONFLICT} is refused ({@link Outcome#STALE_VERSION}): it would send the
 * same stale {@code If-Match} again and meet the same conflict.
 * Every hand-back starts a fresh budget of reconciliation and verification checks; the send count is kept, so an
 * operation already at the maximum number of sends goes DEAD rather than being sent again. Thread-safe.
 */
public final class ReviewQueue {
    /**
     * Outcomes of a send (or of the step before one) that mean the EHR did not take the write; {@code blocked}: a
     * Provenance held back because a write it describes is not in the EHR, nothing sent; {@code deferred} and
     * {@code deferred-expired}: the write did not leave the gateway (its own call budget, a token, a lookup);
     * {@code needs-review}: not sent because the patient or encounter was ambiguous.
     */
    private static final Set<String> CLEAR_REFUSALS = Set.of("retryable", "dead", "conflict", "rejected",
            "unprocessable", "blocked", "deferred", "deferred-expired", "needs-review");

    private final Jdbc jdbc;

    public ReviewQueue(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** What an action did. */
    public enum Outcome {
        DONE, NOT_FOUND, NOT_IN_REVIEW,
        /** {@code retry} on an update in {@code CONFLICT}: it would resend the stale version. */
        STALE_VERSION,
        /** {@code apply-on-current} on an operation that is not an update in {@code CONFLICT}. */
        NOT_A_CONFLICT
    }

    /** The outcome, the operation's event and its state before and after (null where not known or not DONE). */
    public record Result(Outcome outcome, UUID eventId, OperationState from, OperationState to) {
    }

    private record Locked(UUID eventId, String target, OperationState state, String remoteId, String kind,
                          String remoteVersion) {
        boolean changesRecord() {
            return !"create".equals(kind);
        }
    }

    /** The newest conflict stored for the operation: the version the reviewer was shown. */
    private record Shown(boolean exists, String version) {
    }

    /**
     * @param tenantId the caller's tenant; another tenant's operation is indistinguishable from none
     * @param via      the API caller ({@code apikey:<id>}), recorded next to the reviewer
     */
    public Result act(String tenantId, String via, UUID operationId, ReviewRequest request) {
        return jdbc.inTransaction(c -> {
            Locked op = lock(c, tenantId, operationId);
            if (op == null) {
                return new Result(Outcome.NOT_FOUND, null, null, null);
            }
            if (!op.state().needsReview()) {
                return new Result(Outcome.NOT_IN_REVIEW, op.eventId(), op.state(), null);
            }
            // An amendment in CONFLICT: the same If-Match would meet the same conflict. (A compensation reads the
            // current version before each try, so retrying one is not stale.)
            boolean conflicted = op.state() == OperationState.CONFLICT && RecordChanges.UPDATE.equals(op.kind());
            if (request.action() == ReviewAction.RETRY && conflicted) {
                return new Result(Outcome.STALE_VERSION, op.eventId(), op.state(), null);
            }
            Shown shown = conflicted ? shown(c, operationId) : new Shown(false, null);
            if (request.action() == ReviewAction.APPLY_ON_CURRENT && !shown.exists()) {
                return new Result(Outcome.NOT_A_CONFLICT, op.eventId(), op.state(), null);
            }
            OperationState to = switch (request.action()) {
                case RETRY -> !sendMayHaveLanded(c, operationId) ? OperationState.DUE
                        : op.remoteId() != null ? OperationState.CREATED : OperationState.UNKNOWN;
                case MARK_DELIVERED -> OperationState.CREATED;
                case RESEND_ANYWAY, APPLY_ON_CURRENT -> OperationState.DUE;
                case DISCARD -> OperationState.DISCARDED;
            };
            String onVersion = shown.exists() ? shown.version() : op.remoteVersion();
            update(c, operationId, to, request, op, onVersion);
            if (!to.isTerminal()) {
                Outbox.enqueue(c, operationId, tenantId + "/" + op.target());
            }
            AuditLog.append(c, tenantId, "user:" + request.actor(), "review." + request.action().wireName(),
                    op.eventId(), operationId, detail(request, via, op, to, onVersion));
            return new Result(Outcome.DONE, op.eventId(), op.state(), to);
        });
    }

    private static Locked lock(Connection c, String tenantId, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, target, state, remote_id, kind,"
                + " remote_version FROM write_operation WHERE id = ? AND tenant_id = ? FOR UPDATE")) {
            ps.setObject(1, operationId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Locked(rs.getObject(1, UUID.class), rs.getString(2),
                        OperationState.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
                        rs.getString(6)) : null;
            }
        }
    }

    private static Shown shown(Connection c, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT remote_version FROM write_conflict"
                + " WHERE operation_id = ? ORDER BY id DESC LIMIT 1")) {
            ps.setObject(1, operationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Shown(true, rs.getString(1)) : new Shown(false, null);
            }
        }
    }

    /** True unless the last send was clearly refused, or nothing was ever sent. */
    private static boolean sendMayHaveLanded(Connection c, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT outcome FROM delivery_attempt WHERE operation_id = ?"
                + " AND step IN ('SEND', 'RECOVER') ORDER BY id DESC LIMIT 1")) {
            ps.setObject(1, operationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && !CLEAR_REFUSALS.contains(rs.getString(1));
            }
        }
    }

    /**
     * An update always keeps the record it changes (its id): resending it whole or applying it on the current
     * version goes to {@code onVersion}, the version the reviewer was shown. Only a create forgets its record id
     * on a resend.
     */
    private static void update(Connection c, UUID operationId, OperationState to, ReviewRequest request, Locked op,
                               String onVersion) throws SQLException {
        switch (request.action()) {
            case MARK_DELIVERED -> OperationStates.move(c, operationId, to,
                    "checks = 0, remote_id = ?, remote_version = NULL", request.remoteId());
            case RESEND_ANYWAY -> {
                if (op.changesRecord()) {
                    OperationStates.move(c, operationId, to, "checks = 0, remote_version = ?, on_conflict ="
                            + " CASE WHEN on_conflict = ? THEN ? ELSE on_conflict END", onVersion,
                            RecordChanges.APPLY_ON_CURRENT, TenantPolicy.REVIEW);
                } else {
                    OperationStates.move(c, operationId, to, "checks = 0, remote_id = NULL, remote_version = NULL");
                }
            }
            case APPLY_ON_CURRENT -> OperationStates.move(c, operationId, to,
                    "checks = 0, remote_version = ?, on_conflict = ?", onVersion, RecordChanges.APPLY_ON_CURRENT);
            default -> OperationStates.move(c, operationId, to, "checks = 0");
        }
    }

    private static String detail(ReviewRequest r, String via, Locked op, OperationState to, String onVersion) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("actor", r.actor());
        d.put("via", via);
        d.put("target", op.target());
        d.put("previousState", op.state().name());
        d.put("state", to.name());
        if (r.reason() != null) {
            d.put("reason", r.reason());
        }
        if (op.remoteId() != null) {
            d.put("previousRemoteId", op.remoteId());
        }
        if (r.action() == ReviewAction.MARK_DELIVERED) {
            d.put("remoteId", r.remoteId());
        }
        if (op.changesRecord() && (r.action() == ReviewAction.APPLY_ON_CURRENT
                || r.action() == ReviewAction.RESEND_ANYWAY)) {
            // The version the change goes onto (If-Match), next to the one the gateway had meant to change.
            if (op.remoteVersion() != null) {
                d.put("previousVersion", op.remoteVersion());
            }
            if (onVersion != null) {
                d.put("onVersion", onVersion);
            }
        }
        return Json.canonical(d);
    }
}
