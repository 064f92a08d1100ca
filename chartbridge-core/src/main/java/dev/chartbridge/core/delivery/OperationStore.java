package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.settings.TenantSettings;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.webhook.WebhookNotices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The delivery engine's SQL: claiming due work, loading it and recording transitions. Thread-safe. */
final class OperationStore {
    /**
     * Outcomes of a wait on something that is not an answer to the write (see
     * {@link dev.chartbridge.core.common.Backoff#wait}).
     */
    static final java.util.Set<String> WAIT_OUTCOMES = java.util.Set.of("pending", "deferred");

    private final Jdbc jdbc;
    private final String node;
    private final Compensations compensations;
    private final TenantSettingsCache settings;

    /**
     * @param settings the node's tenant settings copies, whose webhook filters spare a transition the webhooks
     *                 query; null: every transition that changes a state queries
     */
    OperationStore(Jdbc jdbc, String node, Targets targets, StoredEvents events, TenantSettingsCache settings) {
        this.jdbc = jdbc;
        this.node = node;
        this.settings = settings;
        this.compensations = new Compensations(targets, "node:" + node, events);
    }

    /** The database, for the engine's reads beside the ledger's own (e.g. the writes a Provenance describes). */
    Jdbc jdbc() {
        return jdbc;
    }

    /**
     * Claims up to {@code limit} due operations of one queue and loads them, in one statement; skips rows other
     * nodes are claiming right now and rows whose lease has not run out. The claim sets the lease's own columns
     * only ({@code leased_until}, owner, token: in no index, so the update can stay on its page, HOT) and leaves
     * {@code due_at} as it was: a lease that runs out makes the row claimable again by itself (V71).
     */
    List<Claimed> claim(String queue, int limit, Duration lease) {
        // One statement, its own transaction: the rows it returns are claimed once it completes.
        return jdbc.oneStatement(c -> {
            List<Claimed> claims = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(claimSql(limit))) {
                ps.setLong(1, lease.toMillis());
                ps.setString(2, node);
                ps.setString(3, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OperationRow row = row(rs);
                        claims.add(new Claimed(new Claim(row.id(), rs.getObject(23, UUID.class)), row));
                    }
                }
            }
            return claims;
        });
    }

    /**
     * Which of {@code queues} have claimable work now: one statement over all of them (an index probe per queue,
     * stepping over at most the rows in flight), so an idle node's database work per poll does not grow with the
     * number of queues it serves.
     */
    List<String> dueQueues(java.util.Collection<String> queues) {
        if (queues.isEmpty()) {
            return List.of();
        }
        return jdbc.read(c -> {
            List<String> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(DUE_QUEUES_SQL)) {
                ps.setArray(1, c.createArrayOf("text", queues.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getString(1));
                    }
                }
            }
            return due;
        });
    }

    /** The operation's columns and its event's body, read with the claim ({@link #row}). */
    private static final String ROW_COLUMNS = "o.id, o.event_id, o.tenant_id, o.target, o.part,"
            + " o.resource_type, o.operation_key, o.state, o.sends, o.checks, o.remote_id, o.remote_version,"
            + " o.created_at, e.body::text, o.shadow, o.kind, o.record_key, ae.body::text, o.on_conflict,"
            + " o.waits, e.traceparent, o.compensation";
    private static final String ROW_JOINS = " JOIN clinical_event e ON e.id = o.event_id"
            + " LEFT JOIN write_operation a ON a.id = o.amends_operation_id"
            + " LEFT JOIN clinical_event ae ON ae.id = a.event_id";

    /**
     * The claim's choice of rows: a queue's due, unleased rows, oldest first, at most {@code limit}, locked; one
     * parameter, the queue. Written so that PostgreSQL plans the claim once per connection and size, not at every
     * call: planning this five-table statement took about 1 ms a call with a million writes queued, more than running
     * it ({@code ./bench cost}'s planning column). PostgreSQL keeps a plan for a prepared statement once the plan it
     * would keep costs no more than those made for each call's values; two values made those look cheaper: a bound
     * limit (costed as a tenth of the queue's due rows) and the queue itself (a busy queue's own share of the rows
     * is larger than the average a kept plan assumes). So the limit is written in (one statement text per size, at
     * most the batch size, {@link DeliveryPolicy}), and the queue is read through a sub-select, which PostgreSQL
     * evaluates once before the scan and uses as the index's key all the same, but whose value no plan is made for.
     * The plan kept reads the queue's due index in order and stops at the limit ({@code ClaimIndexTest}).
     */
    static String dueSql(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a claim takes at least one row");
        }
        return "SELECT operation_id FROM outbox WHERE queue = (SELECT ?::text) AND due_at <= now()"
                + " AND (leased_until IS NULL OR leased_until <= now())"
                + " ORDER BY due_at LIMIT " + limit + " FOR UPDATE SKIP LOCKED";
    }

    /** The claim's lease on {@link #dueSql}'s rows: lease length (ms), node, queue. */
    static String leaseSql(int limit) {
        return "UPDATE outbox o"
                + " SET leased_until = now() + ? * interval '1 ms', lease_owner = ?, lease_token = gen_random_uuid()"
                + " FROM (" + dueSql(limit) + ") due"
                + " WHERE o.operation_id = due.operation_id RETURNING o.operation_id, o.lease_token";
    }

    /** {@link #claimSql}'s texts by claim size, each built once (a claim runs for every few delivered writes). */
    private static final Map<Integer, String> CLAIM_SQL = new ConcurrentHashMap<>();

    /** The claim's statement: {@link #leaseSql}'s parameters; the rows' columns then the lease token. */
    static String claimSql(int limit) {
        return CLAIM_SQL.computeIfAbsent(limit, n -> "WITH claimed AS (" + leaseSql(n) + ")"
                + " SELECT " + ROW_COLUMNS + ", claimed.lease_token FROM claimed"
                + " JOIN write_operation o ON o.id = claimed.operation_id" + ROW_JOINS);
    }

    /** The idle poll's statement (its plan is checked in {@code ClaimIndexTest}). */
    static final String DUE_QUEUES_SQL = "SELECT q FROM unnest(?::text[]) q WHERE EXISTS (SELECT 1 FROM outbox"
            + " WHERE queue = q AND due_at <= now() AND (leased_until IS NULL OR leased_until <= now()))";

    /** One operation as stored, with its event's body (read-back starts from this); null when there is none. */
    OperationRow load(UUID operationId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM write_operation o"
                    + ROW_JOINS + " WHERE o.id = ?")) {
                ps.setObject(1, operationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? row(rs) : null;
                }
            }
        });
    }

    private static OperationRow row(ResultSet rs) throws SQLException {
        String remoteId = rs.getString(11);
        return new OperationRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7),
                OperationState.valueOf(rs.getString(8)), rs.getInt(9), rs.getInt(10),
                remoteId == null ? null : new RemoteRef(rs.getString(6), remoteId, rs.getString(12)),
                rs.getObject(13, OffsetDateTime.class).toInstant(), rs.getString(14),
                rs.getBoolean(15), rs.getString(16), rs.getString(17), rs.getString(18),
                rs.getString(19), rs.getInt(20), rs.getString(21), rs.getString(22));
    }

    /**
     * Records a transition if {@code claim} still holds the lease; returns false (and changes nothing) when the
     * lease expired and another node took the operation over.
     *
     * <p>Round trips (issue #17): the fenced move (with the patient line's lock when the write leaves its line), the
     * look at the line, then the attempt, read-back's watch and the audit entries in one statement, and the commit;
     * the webhooks query only when the tenant's settings copy, proven current by the move, has a webhook that takes
     * the notice. A transition that writes nothing but the move (the IN_FLIGHT mark) and whose notice no webhook
     * takes is one statement in autocommit, committed when it returns, so still before the send leaves.
     */
    boolean record(Claim claim, OperationRow op, Transition t, Duration lease) {
        // Read before the transaction: a copy read on a miss takes a connection of its own.
        TenantSettings copy = settings == null ? null : settings.get(op.tenantId());
        boolean wait = t.outcome() != null && WAIT_OUTCOMES.contains(t.outcome());
        // A repeat of a wait the app was already told of (and the IN_FLIGHT mark before a deferred send is tried
        // again) queues no notice; a repeat identical to the last attempt adds to its count.
        boolean repeat = op.waits() > 0 && (wait || t.to() == OperationState.IN_FLIGHT);
        boolean leavesLine = t.to().isTerminal() || t.to().isWritten();
        if (copy != null && movesOnly(t, leavesLine)
                && (repeat || !copy.anyWebhookTakes(WebhookNotices.STATE_CHANGED, t.to().name()))) {
            // The move is the transition's only write (the IN_FLIGHT mark): one statement, its own transaction.
            // It writes nothing with a stale copy; the transaction below then records the move with its notice.
            OperationStates.Fenced moved = jdbc.oneStatement(c -> OperationStates.moveLeasedIfCurrent(c, op.id(),
                    queueChange(claim, t, lease), t.to(), copy, ALSO_SET, alsoSetValues(t, wait)));
            if (moved != null) {
                return true;
            }
        }
        return jdbc.inTransaction(c -> {
            // The lease fence, the queue change and the state in one statement: nothing at all is written when
            // another node holds the lease now.
            OperationStates.Fenced moved = updateOperation(c, claim, op, t, wait, !repeat, lease, copy, leavesLine);
            if (moved == null) {
                return false;
            }
            if (moved.settingsStale()) {
                settings.drop(copy);
            }
            boolean folded = wait && op.waits() > 0 && foldIntoLastAttempt(c, op, t);
            boolean watch = moved.was() != t.to() && ReadBackStore.WATCHED.contains(t.to());
            if (watch && op.changesRecord()) {
                ReadBackStore.handOver(c, op.id());
            }
            if (t.rendered() != null) {
                ShadowRequests.keep(c, op.id(), t.rendered());
            }
            AuditLog.Entries audit = new AuditLog.Entries();
            if (leavesLine) {
                Outbox.leaveLine(c, claim.operationId(), moved.orderKey(), true, !leavesQueue(t), audit);
            }
            if (t.conflict() != null) {
                ConflictRecords.insert(c, op.id(), op.remote(), t.conflict());
            }
            // Every original write of an event carries the same policy (intake plans them together): under any
            // other than entered-in-error there is nothing to decide, and nothing to lock the event for.
            boolean attempt = t.outcome() != null && !folded;
            if (t.to().isTerminal() && !op.changesRecord()
                    && TenantPolicy.ENTERED_IN_ERROR.equals(op.compensation())) {
                // The attempt and the line's entry before the decision (it reads both), its entries before ours.
                writeLedger(c, op, t, attempt, watch, audit);
                audit = new AuditLog.Entries();
                attempt = false;
                watch = false;
                compensations.planIfPartial(c, op.eventId());
            }
            if (t.outcome() != null && !folded) {
                audit.add(op.tenantId(), "node:" + node, "operation." + t.outcome(), op.eventId(), op.id(),
                        auditDetail(op, t));
            }
            writeLedger(c, op, t, attempt, watch, audit);
            return true;
        });
    }

    /** Whether recording {@code t} writes nothing but the move: no attempt, line, watch, request or conflict. */
    private static boolean movesOnly(Transition t, boolean leavesLine) {
        return t.outcome() == null && !leavesLine && !ReadBackStore.WATCHED.contains(t.to()) && t.rendered() == null
                && t.conflict() == null;
    }

    /**
     * The transition's attempt row (with {@code attempt}), read-back's watch of the written record (with
     * {@code watch}) and the audit entries, in one statement of data-modifying CTEs; none when there is nothing.
     */
    private void writeLedger(Connection c, OperationRow op, Transition t, boolean attempt, boolean watch,
                             AuditLog.Entries audit) throws SQLException {
        List<String> parts = new ArrayList<>();
        if (attempt) {
            parts.add("attempt AS (" + ATTEMPT_SQL + ")");
        }
        if (watch) {
            parts.add("watch AS (" + ReadBackStore.WATCH_SQL + ")");
        }
        if (!audit.isEmpty()) {
            parts.add(AuditLog.cte("entry", "true"));
        }
        if (parts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("WITH " + String.join(", ", parts) + " SELECT 1")) {
            int i = 1;
            if (attempt) {
                i = bindAttempt(ps, i, op, t);
            }
            if (watch) {
                i = ReadBackStore.bindWatch(ps, i, op.id(), op.tenantId() + "/" + op.target(), t.seen());
            }
            if (!audit.isEmpty()) {
                audit.bind(c, ps, i);
            }
            ps.execute();
        }
    }

    /**
     * Gives a claim back to the queue between two steps (nothing in flight), due after {@code delay}: used by a
     * stopping node, with the reconcile delay, so another node never starts on it at once.
     */
    void release(Claim claim, Duration delay) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET due_at = now() + ? * interval '1 ms',"
                    + " leased_until = NULL, lease_owner = NULL, lease_token = NULL"
                    + " WHERE operation_id = ? AND lease_token = ?")) {
                ps.setLong(1, delay.toMillis());
                ps.setObject(2, claim.operationId());
                ps.setObject(3, claim.leaseToken());
                return ps.executeUpdate();
            }
        });
    }

    /** Pushes the leases of claims this node still works on to {@code lease} from now; returns how many it kept. */
    int extend(java.util.Collection<Claim> claims, Duration lease) {
        if (claims.isEmpty()) {
            return 0;
        }
        return jdbc.inTransaction(c -> {
            // Only the lease column: a renewal stays on the row's page (HOT) and leaves the indexes alone.
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET leased_until = now() + ? * interval '1 ms'"
                    + " WHERE operation_id = ANY (?) AND lease_token = ANY (?)")) {
                ps.setLong(1, lease.toMillis());
                ps.setArray(2, c.createArrayOf("uuid", claims.stream().map(Claim::operationId).toArray()));
                ps.setArray(3, c.createArrayOf("uuid", claims.stream().map(Claim::leaseToken).toArray()));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Writes the transition's state (and its notice, when the state changes and {@code notify}) and its queue
     * change, fenced by the claim's lease; counts a wait in a row, and sets the count back to 0 on any other
     * recorded outcome. Returns the state it had and the line it was in; null when the lease is lost.
     */
    private static OperationStates.Fenced updateOperation(Connection c, Claim claim, OperationRow op, Transition t,
                                                          boolean wait, boolean notify, Duration lease,
                                                          TenantSettings copy, boolean lockLine)
            throws SQLException {
        return OperationStates.moveLeased(c, op.id(), queueChange(claim, t, lease), t.to(), notify, copy, lockLine,
                ALSO_SET, alsoSetValues(t, wait));
    }

    /** The columns a transition sets besides the state ({@link #alsoSetValues}). */
    private static final String ALSO_SET = "remote_id = coalesce(?, remote_id),"
            + " remote_version = coalesce(?, remote_version), error_class = ?, error_detail = ?, sends = sends + ?,"
            + " checks = checks + ?, waits = CASE WHEN ? THEN waits + 1 WHEN ? THEN 0 ELSE waits END";

    private static Object[] alsoSetValues(Transition t, boolean wait) {
        return new Object[] {t.remote() == null ? null : t.remote().id(),
                t.remote() == null ? null : t.remote().version(),
                t.error() == null ? null : t.error().errorClass().name(), t.errorDetail(), t.addSends(),
                t.addChecks(), wait, t.outcome() != null};
    }

    /** The transition leaves the outbox: no next step, no later due time. */
    private static boolean leavesQueue(Transition t) {
        return !t.keepLease() && t.nextDue() == null;
    }

    /**
     * What the transition does to the outbox row: the same worker goes on (the lease is pushed on, HOT), the row
     * leaves the queue, or it is due again later with its lease given back.
     */
    private static OperationStates.Lease queueChange(Claim claim, Transition t, Duration lease) {
        if (t.keepLease()) {
            return new OperationStates.Lease(claim.leaseToken(),
                    "UPDATE outbox SET leased_until = now() + ? * interval '1 ms'", lease.toMillis());
        }
        if (t.nextDue() == null) {
            return new OperationStates.Lease(claim.leaseToken(), "DELETE FROM outbox");
        }
        return new OperationStates.Lease(claim.leaseToken(), "UPDATE outbox SET due_at = ?, leased_until = NULL,"
                + " lease_owner = NULL, lease_token = NULL", Timestamp.from(t.nextDue()));
    }

    /**
     * Adds this wait to the operation's last attempt when that attempt was the same wait (step, outcome, error
     * class and HTTP status); returns whether it did.
     */
    private static boolean foldIntoLastAttempt(Connection c, OperationRow op, Transition t) throws SQLException {
        Integer status = t.exchange() != null && t.exchange().httpStatus() > 0 ? t.exchange().httpStatus() : null;
        try (PreparedStatement ps = c.prepareStatement("UPDATE delivery_attempt SET repeats = repeats + 1,"
                + " last_started_at = ? WHERE id = (SELECT max(id) FROM delivery_attempt WHERE operation_id = ?)"
                + " AND step = ? AND outcome = ? AND error_class IS NOT DISTINCT FROM ?"
                + " AND http_status IS NOT DISTINCT FROM ?")) {
            ps.setTimestamp(1, Timestamp.from(t.startedAt()));
            ps.setObject(2, op.id());
            ps.setString(3, t.step().name());
            ps.setString(4, t.outcome());
            ps.setString(5, t.error() == null ? null : t.error().errorClass().name());
            if (status == null) {
                ps.setNull(6, Types.INTEGER);
            } else {
                ps.setInt(6, status);
            }
            return ps.executeUpdate() == 1;
        }
    }

    private static final String ATTEMPT_SQL = "INSERT INTO delivery_attempt (operation_id, step, started_at,"
            + " duration_ms, outcome, http_status, error_class, detail, request_digest, trace_id, node)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Binds {@link #ATTEMPT_SQL}'s parameters from {@code index}; returns the next free index. */
    private int bindAttempt(PreparedStatement ps, int index, OperationRow op, Transition t) throws SQLException {
        ps.setObject(index++, op.id());
        ps.setString(index++, t.step().name());
        ps.setTimestamp(index++, Timestamp.from(t.startedAt()));
        ps.setInt(index++, (int) Math.min(Integer.MAX_VALUE, t.durationMs()));
        ps.setString(index++, t.outcome());
        if (t.exchange() != null && t.exchange().httpStatus() > 0) {
            ps.setInt(index++, t.exchange().httpStatus());
        } else {
            ps.setNull(index++, Types.INTEGER);
        }
        ps.setString(index++, t.error() == null ? null : t.error().errorClass().name());
        ps.setString(index++, t.errorDetail());
        ps.setString(index++, t.exchange() == null ? null : t.exchange().requestDigest());
        ps.setString(index++, t.traceId());
        ps.setString(index++, node);
        return index;
    }

    private static String auditDetail(OperationRow op, Transition t) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("target", op.target());
        d.put("step", t.step().name());
        d.put("state", t.to().name());
        if (t.exchange() != null && t.exchange().httpStatus() > 0) {
            d.put("httpStatus", t.exchange().httpStatus());
        }
        if (t.remote() != null) {
            d.put("remoteId", t.remote().id());
            if (t.remote().version() != null) {
                d.put("remoteVersion", t.remote().version());
            }
        }
        if (t.error() != null) {
            d.put("errorClass", t.error().errorClass().name());
            if (t.error().vendorCode() != null) {
                d.put("vendorCode", t.error().vendorCode());
            }
        }
        if (t.errorDetail() != null) {
            d.put("detail", t.errorDetail());
        }
        if (t.rendered() != null) {
            d.put("rendered", t.rendered().method() + " " + t.rendered().path());
            d.put("requestDigest", t.exchange().requestDigest());
        }
        d.put("traceId", t.traceId());
        return Json.canonical(d);
    }
}
