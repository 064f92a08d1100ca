package dev.chartbridge.core.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.store.Jdbc;

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
 *   <li>{@code resend-anyway}: {@code DUE} with the remote id cleared: the engine sends without searching.</li>
 *   <li>{@code discard}: {@code DISCARDED}, terminal; nothing is queued and nothing in the EHR is deleted.</li>
 * </ul>
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
    public enum Outcome { DONE, NOT_FOUND, NOT_IN_REVIEW }

    /** The outcome, the operation's event and its state before and after (null where not known or not DONE). */
    public record Result(Outcome outcome, UUID eventId, OperationState from, OperationState to) {
    }

    private record Locked(UUID eventId, String target, OperationState state, String remoteId) {
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
            OperationState to = switch (request.action()) {
                case RETRY -> !sendMayHaveLanded(c, operationId) ? OperationState.DUE
                        : op.remoteId() != null ? OperationState.CREATED : OperationState.UNKNOWN;
                case MARK_DELIVERED -> OperationState.CREATED;
                case RESEND_ANYWAY -> OperationState.DUE;
                case DISCARD -> OperationState.DISCARDED;
            };
            update(c, operationId, to, request);
            if (!to.isTerminal()) {
                Outbox.enqueue(c, operationId, tenantId + "/" + op.target());
            }
            AuditLog.append(c, tenantId, "user:" + request.actor(), "review." + request.action().wireName(),
                    op.eventId(), operationId, detail(request, via, op, to));
            return new Result(Outcome.DONE, op.eventId(), op.state(), to);
        });
    }

    private static Locked lock(Connection c, String tenantId, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, target, state, remote_id FROM write_operation"
                + " WHERE id = ? AND tenant_id = ? FOR UPDATE")) {
            ps.setObject(1, operationId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Locked(rs.getObject(1, UUID.class), rs.getString(2),
                        OperationState.valueOf(rs.getString(3)), rs.getString(4)) : null;
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

    private static void update(Connection c, UUID operationId, OperationState to, ReviewRequest request)
            throws SQLException {
        switch (request.action()) {
            case MARK_DELIVERED -> OperationStates.move(c, operationId, to,
                    "checks = 0, remote_id = ?, remote_version = NULL", request.remoteId());
            case RESEND_ANYWAY -> OperationStates.move(c, operationId, to,
                    "checks = 0, remote_id = NULL, remote_version = NULL");
            default -> OperationStates.move(c, operationId, to, "checks = 0");
        }
    }

    private static String detail(ReviewRequest r, String via, Locked op, OperationState to) {
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
        return Json.canonical(d);
    }
}
