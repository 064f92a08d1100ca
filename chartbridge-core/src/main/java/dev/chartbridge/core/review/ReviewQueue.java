package dev.chartbridge.core.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.delivery.FanOutCompensation;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.delivery.RecordChanges;
import dev.chartbridge.core.delivery.SendHistory;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
 * operation already at the maximum number of sends goes DEAD rather than being sent again.
 *
 * <p>A {@code DEAD} or {@code REJECTED} write can be retried too (alone or in bulk, {@link #retryAll}) once its
 * cause is fixed: {@code DUE} with a fresh budget of sends when no send of it may have reached the EHR, else
 * {@code UNKNOWN} (searched before anything is sent). It is refused ({@link Outcome#COMPENSATED}) when its
 * event's other writes were already marked entered-in-error because of it. A {@code discard} that ends an event's
 * last open write takes the fan-out compensation decision. Thread-safe.
 */
public final class ReviewQueue {
    /** Ended without being written; a reviewer may retry them once their cause is fixed. */
    private static final Set<OperationState> ENDED_UNWRITTEN = EnumSet.of(OperationState.DEAD,
            OperationState.REJECTED);

    private final Jdbc jdbc;
    private final FanOutCompensation fanOut;

    public ReviewQueue(Jdbc jdbc) {
        this(jdbc, null);
    }

    /** @param fanOut decides fan-out compensation when a discard ends an event's last open write; null: never */
    public ReviewQueue(Jdbc jdbc, FanOutCompensation fanOut) {
        this.jdbc = jdbc;
        this.fanOut = fanOut;
    }

    /**
     * What an action did. {@code NOT_IN_REVIEW}: the write is neither in review nor (for {@code retry}) DEAD or
     * REJECTED; {@code COMPENSATED}: a DEAD or REJECTED write whose siblings were already marked entered-in-error
     * for its failure, so it is not sent again.
     */
    public enum Outcome {
        DONE, NOT_FOUND, NOT_IN_REVIEW, COMPENSATED,
        /** {@code retry} on an update in {@code CONFLICT}: it would resend the stale version. */
        STALE_VERSION,
        /** {@code apply-on-current} on an operation that is not an update in {@code CONFLICT}. */
        NOT_A_CONFLICT
    }

    /** A bulk retry: every write the filter matched, each with what its retry did. */
    public record BulkResult(List<Retried> items) {
        public long retried() {
            return items.stream().filter(i -> i.result().outcome() == Outcome.DONE).count();
        }
    }

    /** One write of a bulk retry. */
    public record Retried(UUID id, Result result) {
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
        return act(tenantId, via, operationId, request, false);
    }

    private Result act(String tenantId, String via, UUID operationId, ReviewRequest request, boolean bulk) {
        return jdbc.inTransaction(c -> {
            Locked op = lock(c, tenantId, operationId);
            if (op == null) {
                return new Result(Outcome.NOT_FOUND, null, null, null);
            }
            boolean ended = ENDED_UNWRITTEN.contains(op.state());
            if (ended ? request.action() != ReviewAction.RETRY : !op.state().needsReview()) {
                return new Result(Outcome.NOT_IN_REVIEW, op.eventId(), op.state(), null);
            }
            if (ended && compensated(c, op.eventId())) {
                return new Result(Outcome.COMPENSATED, op.eventId(), op.state(), null);
            }
            // A DEAD or REJECTED write is retried once its cause is fixed: if any send of it may have reached the
            // EHR, it starts with a search, never with a send.
            boolean mayHaveLanded = ended ? SendHistory.anySendMayHaveLanded(c, operationId)
                    : SendHistory.lastSendMayHaveLanded(c, operationId);
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
                case RETRY -> !mayHaveLanded ? OperationState.DUE
                        : op.remoteId() != null ? OperationState.CREATED : OperationState.UNKNOWN;
                case MARK_DELIVERED -> OperationState.CREATED;
                case RESEND_ANYWAY, APPLY_ON_CURRENT -> OperationState.DUE;
                case DISCARD -> OperationState.DISCARDED;
            };
            String onVersion = shown.exists() ? shown.version() : op.remoteVersion();
            update(c, operationId, to, request, op, onVersion, ended);
            if (!to.isTerminal()) {
                Outbox.enqueue(c, operationId, tenantId + "/" + op.target());
            }
            AuditLog.append(c, tenantId, "user:" + request.actor(), "review." + request.action().wireName(),
                    op.eventId(), operationId, detail(request, via, op, to, onVersion, bulk));
            if (to.isTerminal() && fanOut != null) {
                fanOut.decide(c, op.eventId());
            }
            return new Result(Outcome.DONE, op.eventId(), op.state(), to);
        });
    }

    /**
     * Retries every DEAD or REJECTED write the filter matches (its state, when given, must be one of them), each in
     * a transaction of its own and audited like a single retry with {@code "bulk": true}; at most the filter's
     * limit, oldest first.
     */
    public BulkResult retryAll(String tenantId, String via, ReviewFilter filter, String actor, String reason) {
        if (filter.state() != null && !ENDED_UNWRITTEN.contains(filter.state())) {
            throw new IllegalArgumentException("only DEAD and REJECTED writes are retried in bulk");
        }
        List<UUID> ids = new ArrayList<>();
        for (OperationState s : filter.state() != null ? List.of(filter.state()) : List.copyOf(ENDED_UNWRITTEN)) {
            new ReviewQueries(jdbc).list(tenantId, new ReviewFilter(s, filter.target(), filter.errorClass(),
                    filter.since(), filter.until(), filter.limit())).forEach(i -> ids.add(i.id()));
        }
        ReviewRequest request = new ReviewRequest(ReviewAction.RETRY, actor, reason, null);
        List<Retried> items = new ArrayList<>();
        for (UUID id : ids.subList(0, Math.min(ids.size(), filter.limit()))) {
            items.add(new Retried(id, act(tenantId, via, id, request, true)));
        }
        return new BulkResult(items);
    }

    private static boolean compensated(Connection c, UUID eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_entry WHERE event_id = ?"
                + " AND " + PhiReads.NOT_A_READ + " AND action = 'compensation.planned' LIMIT 1")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
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

    /**
     * An update always keeps the record it changes (its id): resending it whole or applying it on the current
     * version goes to {@code onVersion}, the version the reviewer was shown. Only a create forgets its record id
     * on a resend. A retried DEAD or REJECTED write ({@code ended}) starts a fresh budget of sends, checks and waits.
     */
    private static void update(Connection c, UUID operationId, OperationState to, ReviewRequest request, Locked op,
                               String onVersion, boolean ended) throws SQLException {
        if (ended) {
            // Its cause is fixed: a fresh budget of sends, checks and waits.
            OperationStates.move(c, operationId, to, "checks = 0, sends = 0, waits = 0");
            return;
        }
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

    private static String detail(ReviewRequest r, String via, Locked op, OperationState to, String onVersion,
                                 boolean bulk) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        if (bulk) {
            d.put("bulk", true);
        }
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
