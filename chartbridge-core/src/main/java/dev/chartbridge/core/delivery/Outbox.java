package dev.chartbridge.core.delivery;

import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Puts operations into the delivery queue and keeps each patient's line, inside the caller's transaction.
 *
 * <p>An operation with an order key (one per tenant, target and patient) joins the back of its patient's line:
 * it is due now when the line is empty, otherwise it waits parked ({@code due_at = 'infinity'}, never claimed)
 * until every earlier operation of the line has been written or has ended. Joining and leaving a line take a
 * transaction-scoped advisory lock on the key, so of two transactions touching one line the second sees what the
 * first committed, on any node. Stateless and thread-safe.
 */
public final class Outbox {
    /** The advisory lock space of patient lines; the two-int form never meets the audit sealer's one-bigint lock. */
    private static final int LINE_LOCK_SPACE = 50_005;
    private static final String ACTOR = "gateway:patient-order";

    private Outbox() {
    }

    /**
     * Queues the operation. Ordered when its {@code write_operation} row carries an order key and nothing of it
     * is written yet (a record already in the EHR, being read back, holds nobody up).
     */
    public static void enqueue(Connection c, UUID operationId, String queue) throws SQLException {
        join(c, operationId, queue, queued(c, operationId));
    }

    /**
     * As {@link #enqueue(Connection, UUID, String)} for an operation this transaction has just inserted and that
     * nothing has written yet (intake): the caller passes the tenant, event and order key it stored, so the row is
     * not read back.
     */
    public static void enqueueNew(Connection c, UUID operationId, String queue, String tenantId, UUID eventId,
                                  String orderKey) throws SQLException {
        join(c, operationId, queue, new Queued(tenantId, eventId, orderKey));
    }

    /**
     * SQL for a scalar that takes the locks of the patient lines intake's new operations will join, for the statement
     * that inserts their events; {@link #enqueueNewInLockedLines} then looks at the lines in the next statement, whose
     * snapshot sees whatever an earlier holder of a lock committed. Two parameters, the lines' order keys (sorted, so
     * that two transactions take shared keys in one order) and the event of each (text[], uuid[]); a line is locked
     * only when its event's id is in {@code insertedEvents} (SQL for a uuid[]: a replay, which inserted nothing,
     * takes no lock and never waits behind acceptances of the same patient).
     */
    public static String lockLinesOf(String insertedEvents) {
        // A scan of the arrays in their order, filtered: no join that could reorder the keys before they are locked.
        return "SELECT count(pg_advisory_xact_lock(" + LINE_LOCK_SPACE + ", hashtext(l.k))) FROM (SELECT u.k FROM"
                + " unnest(?::text[], ?::uuid[]) WITH ORDINALITY AS u(k, event_id, n) WHERE u.event_id = ANY ("
                + insertedEvents + ") ORDER BY u.n) AS l";
    }

    /** An operation intake has just inserted, to queue: as {@link #enqueueNew}'s parameters. */
    public record NewEntry(UUID operationId, String queue, String tenantId, UUID eventId, String orderKey) {
    }

    /**
     * As {@link #enqueueNew} for all the operations of one event, or of a group of events, at once, each joining the
     * back of its line in the order given (an operation behind another of the same line in this call waits for it),
     * in one statement, plus one for the
     * {@code operation.held} entries when some line was not empty. The caller already holds the locks of the
     * entries' lines ({@link #lockLinesOf}, earlier in this transaction).
     */
    public static void enqueueNewInLockedLines(Connection c, List<NewEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        AuditLog.Entries held = new AuditLog.Entries();
        // lag(): a later entry of the same line stands behind the earlier one, which this statement cannot see.
        // nextval() is evaluated after the ORDER BY (volatile target list), so positions follow the entries' order.
        // The arrays are read through sub-selects: no plan is made for their values (how many entries), so the plan
        // PostgreSQL keeps for the statement serves every call instead of one planned at each (issue #17).
        try (PreparedStatement ps = c.prepareStatement("WITH u AS (SELECT * FROM unnest((SELECT ?::uuid[]),"
                + " (SELECT ?::text[]), (SELECT ?::text[])) WITH ORDINALITY AS u(op, queue, order_key, n)),"
                + " a AS (SELECT u.*, coalesce(lag(u.op) OVER (PARTITION BY u.order_key ORDER BY u.n),"
                + " (SELECT o.operation_id FROM outbox o WHERE o.order_key = u.order_key"
                + " ORDER BY o.order_pos DESC LIMIT 1)) AS ahead FROM u),"
                + " queued AS (INSERT INTO outbox (operation_id, queue, due_at, order_key, order_pos)"
                + " SELECT op, queue, CASE WHEN ahead IS NULL THEN now() ELSE 'infinity'::timestamptz END, order_key,"
                + " nextval('outbox_order_pos') FROM a ORDER BY n)"
                + " SELECT n, ahead FROM a WHERE ahead IS NOT NULL ORDER BY n")) {
            ps.setArray(1, c.createArrayOf("uuid", entries.stream().map(NewEntry::operationId).toArray()));
            ps.setArray(2, c.createArrayOf("text", entries.stream().map(NewEntry::queue).toArray()));
            ps.setArray(3, c.createArrayOf("text", entries.stream().map(NewEntry::orderKey).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    NewEntry e = entries.get(rs.getInt(1) - 1);
                    held.add(e.tenantId(), ACTOR, "operation.held", e.eventId(), e.operationId(),
                            heldDetail(rs.getObject(2, UUID.class)));
                }
            }
        }
        held.append(c);
    }

    private static String heldDetail(UUID ahead) {
        return Json.canonical(Json.MAPPER.createObjectNode().put("behind", ahead.toString())
                .put("reason", "an earlier write for this patient and target is not written yet"));
    }

    private static void join(Connection c, UUID operationId, String queue, Queued op) throws SQLException {
        UUID ahead = null;
        if (op.orderKey() != null) {
            lockLine(c, op.orderKey());
            try (PreparedStatement ps = c.prepareStatement("SELECT operation_id FROM outbox WHERE order_key = ?"
                    + " ORDER BY order_pos DESC LIMIT 1")) {
                ps.setString(1, op.orderKey());
                try (ResultSet rs = ps.executeQuery()) {
                    ahead = rs.next() ? rs.getObject(1, UUID.class) : null;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (operation_id, queue, due_at, order_key,"
                + " order_pos) VALUES (?, ?, " + (ahead == null ? "now()" : "'infinity'::timestamptz")
                + ", ?, nextval('outbox_order_pos'))")) {
            ps.setObject(1, operationId);
            ps.setString(2, queue);
            ps.setString(3, op.orderKey());
            ps.executeUpdate();
        }
        if (ahead != null) {
            AuditLog.append(c, op.tenantId(), ACTOR, "operation.held", op.eventId(), operationId, heldDetail(ahead));
        }
    }

    private record Queued(String tenantId, UUID eventId, String orderKey) {
    }

    private static Queued queued(Connection c, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id, event_id, order_key, state"
                + " FROM write_operation WHERE id = ?")) {
            ps.setObject(1, operationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no write operation " + operationId);
                }
                boolean written = OperationState.valueOf(rs.getString(4)).isWritten();
                return new Queued(rs.getString(1), rs.getObject(2, UUID.class), written ? null : rs.getString(3));
            }
        }
    }

    /**
     * SQL for a scalar that takes the patient line's lock of the order key {@code keyExpr} (an SQL expression; no
     * lock when it is null: both functions are strict), for a statement that comes before {@link #leaveLine} with
     * {@code locked} in the same transaction (e.g. in its {@code RETURNING}, where no aggregate may be).
     */
    static String lockLineOf(String keyExpr) {
        return "pg_advisory_xact_lock(" + LINE_LOCK_SPACE + ", hashtext(" + keyExpr + "))::text";
    }

    /**
     * Takes the operation out of its patient's line (it has been written, or it has ended) and makes the next one
     * due, adding the {@code operation.released} entry of that one to {@code audit}, which the caller writes in
     * this transaction. The caller holds the operation's outbox row locked, or has deleted it in this transaction,
     * and passes the row's {@code orderKey} (null: in no line); {@code locked} says an earlier statement of this
     * transaction took the line's lock ({@link #lockLineOf}); {@code stillQueued} says the row stays in the outbox,
     * so it must stop holding its place. Returns whether the operation was in a line.
     */
    static boolean leaveLine(Connection c, UUID operationId, String orderKey, boolean locked, boolean stillQueued,
                             AuditLog.Entries audit) throws SQLException {
        if (orderKey == null) {
            return false;
        }
        if (!locked) {
            lockLine(c, orderKey);
        }
        if (stillQueued) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET order_key = NULL"
                    + " WHERE operation_id = ?")) {
                ps.setObject(1, operationId);
                ps.executeUpdate();
            }
        }
        // A statement of its own, after the lock: its snapshot sees what an earlier holder of the lock committed
        // (an intake that parked a write behind this one).
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox o SET due_at = now() FROM write_operation w"
                + " WHERE o.operation_id = (SELECT operation_id FROM outbox WHERE order_key = ? ORDER BY order_pos"
                + " LIMIT 1) AND o.due_at = 'infinity'::timestamptz AND w.id = o.operation_id"
                + " RETURNING o.operation_id, w.tenant_id, w.event_id")) {
            ps.setString(1, orderKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    audit.add(rs.getString(2), ACTOR, "operation.released", rs.getObject(3, UUID.class),
                            rs.getObject(1, UUID.class), Json.canonical(Json.MAPPER.createObjectNode()
                                    .put("after", operationId.toString())
                                    .put("reason", "the earlier write for this patient and target was written or ended")));
                }
            }
        }
        return true;
    }

    private static void lockLine(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            ps.setInt(1, LINE_LOCK_SPACE);
            ps.setString(2, key);
            ps.executeQuery().close();
        }
    }
}
