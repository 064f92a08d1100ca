package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.settings.TenantSettings;
import dev.chartbridge.core.webhook.WebhookNotices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one place {@code write_operation.state} is written: every new operation and every change of an operation's
 * state goes through here, and queues its {@link WebhookNotices#STATE_CHANGED} notice in the same statement's
 * transaction, so the app hears of every status change of its events and a path that changes a state cannot forget
 * to tell it. A write that leaves the state as it was queues none; so does a move whose caller's copy of the
 * tenant's settings, proven current by the move's own statement, has no webhook that takes the notice (the query
 * would find none). {@code updated_at} is set with the state.
 * {@code OperationStatesTest} fails when another class inserts operations or writes their state. The one exception
 * to "in the same call": operations inserted by a caller's statement through {@link #insertPlanned} (intake's one
 * round trip) get their notices from {@link #noticeInserted}, which that caller makes next. Stateless; runs in the
 * caller's transaction.
 */
public final class OperationStates {
    private OperationStates() {
    }

    /** An operation planned by intake for one part of an event's write to a target, in the state it starts in. */
    public record Planned(UUID id, UUID eventId, String tenantId, Target target, int part, String resourceType,
                          String operationKey, String orderKey, boolean shadow, String compensation,
                          OperationState initial) {
    }

    /** An operation {@link #moveAll} moved, with its tenant and queue ({@code tenant/target}). */
    public record Moved(UUID id, String tenantId, String queue) {
    }

    /**
     * The common table expression {@code name} of a caller's statement that inserts planned operations (of one event
     * or of several) where {@code condition} holds for the row (SQL; may name the row's {@code u.event_id} and the
     * statement's earlier CTEs, e.g. the insert of the events), skipping any whose operation key exists, and returns
     * the ids and events it inserted. Parameters bound by {@link #bindPlanned}. The caller then queues their notices
     * with {@link #noticeInserted}, in the same transaction: one statement that writes events and operations together
     * is intake's one round trip (issue #17).
     */
    public static String insertPlanned(String name, String condition) {
        return name + " AS (INSERT INTO write_operation (id, event_id, tenant_id, target, vendor, part, resource_type,"
                + " operation_key, state, shadow, order_key, compensation) SELECT u.id, u.event_id, u.tenant_id,"
                + " u.target, u.vendor, u.part, u.resource_type, u.operation_key, u.state, u.shadow, u.order_key,"
                + " u.compensation FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::int[],"
                + " ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], ?::text[]) AS u(id, event_id, tenant_id,"
                + " target, vendor, part, resource_type, operation_key, state, shadow, order_key, compensation)"
                + " WHERE " + condition
                + " ON CONFLICT (tenant_id, target, operation_key) DO NOTHING RETURNING id, event_id)";
    }

    /** Binds {@link #insertPlanned}'s parameters from {@code index}; returns the next free index. */
    public static int bindPlanned(Connection c, PreparedStatement ps, int index, List<Planned> ops)
            throws SQLException {
        ps.setArray(index++, c.createArrayOf("uuid", ops.stream().map(Planned::id).toArray()));
        ps.setArray(index++, c.createArrayOf("uuid", ops.stream().map(Planned::eventId).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(Planned::tenantId).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(o -> o.target().name()).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(o -> o.target().adapter().vendor()).toArray()));
        ps.setArray(index++, c.createArrayOf("int4", ops.stream().map(Planned::part).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(Planned::resourceType).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(Planned::operationKey).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(o -> o.initial().name()).toArray()));
        ps.setArray(index++, c.createArrayOf("bool", ops.stream().map(Planned::shadow).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(Planned::orderKey).toArray()));
        ps.setArray(index++, c.createArrayOf("text", ops.stream().map(Planned::compensation).toArray()));
        return index;
    }

    /**
     * Queues the notices of operations {@link #insertPlanned} inserted. The caller tells, from its current copy of
     * the tenant's settings (intake's), whether some active webhook takes a notice of a given type about an
     * operation in the state they were inserted in; when none takes {@link WebhookNotices#STATE_CHANGED}, the query that would find
     * none is not sent.
     */
    public static void noticeInserted(Connection c, List<Planned> ops,
                                      java.util.function.Predicate<String> webhooksTake) throws SQLException {
        if (webhooksTake.test(WebhookNotices.STATE_CHANGED)) {
            for (Planned op : ops) {
                notice(c, op.tenantId(), op.id());
            }
        }
    }

    /**
     * Inserts a change of a record (see {@link RecordChanges}) in {@code initial}, in the patient line of the write
     * it changes; false (nothing inserted) when the record already has a change of this kind planned or the
     * operation key exists.
     */
    public static boolean insert(Connection c, RecordChanges.Change ch, OperationState initial) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_operation (id, event_id, tenant_id, target,"
                + " vendor, part, resource_type, operation_key, state, kind, amends_operation_id, record_key,"
                + " remote_id, remote_version, on_conflict, order_key) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, (SELECT order_key FROM write_operation WHERE id = ?)) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, ch.id());
            ps.setObject(2, ch.eventId());
            ps.setString(3, ch.tenantId());
            ps.setString(4, ch.target().name());
            ps.setString(5, ch.target().adapter().vendor());
            ps.setString(6, ch.resourceType());
            ps.setString(7, ch.operationKey());
            ps.setString(8, initial.name());
            ps.setString(9, ch.kind());
            ps.setObject(10, ch.amends());
            ps.setString(11, ch.recordKey());
            ps.setString(12, ch.remoteId());
            ps.setString(13, ch.remoteVersion());
            ps.setString(14, ch.onConflict());
            ps.setObject(15, ch.amends());
            return inserted(c, ps, ch.tenantId(), ch.id());
        }
    }

    /**
     * Moves one operation to {@code to}, setting the columns of {@code alsoSet} with it (an SQL {@code SET} list
     * such as {@code "checks = 0, remote_id = ?"}, or empty) bound to {@code values} in order, and queues the notice
     * when the state changed.
     *
     * @return the state it had (locked, so no concurrent write comes between), or null when there is no such
     *         operation (nothing written)
     */
    public static OperationState move(Connection c, UUID operationId, OperationState to, String alsoSet,
                                      Object... values) throws SQLException {
        return move(c, operationId, to, true, alsoSet, values);
    }

    /**
     * As {@link #move(Connection, UUID, OperationState, String, Object...)}; with {@code notify} false no notice is
     * queued even when the state changes. Only for a repeat of a wait the app has already been told of (the
     * engine's {@code IN_FLIGHT} mark and the move back to {@code RETRY_WAIT} of a send deferred again): repeated
     * identical outcomes are counted, not multiplied.
     */
    static OperationState move(Connection c, UUID operationId, OperationState to, boolean notify, String alsoSet,
                               Object... values) throws SQLException {
        Fenced moved = update(c, operationId, Fence.NONE, to, notify, alsoSet, values);
        return moved == null ? null : moved.was();
    }

    /**
     * The queue change that fences a move by the engine: {@code sql} changes the operation's outbox row (an
     * {@code UPDATE outbox SET ...} or {@code DELETE FROM outbox}, without {@code WHERE}) bound to {@code values}, and
     * only where the row still carries {@code leaseToken}.
     */
    record Lease(UUID leaseToken, String sql, Object... values) {
    }

    /**
     * What a fenced move replaced: the state the operation had, and its patient line's key (null for none);
     * {@code settingsStale} when the tenant settings copy the move was given is older than the database's.
     */
    record Fenced(OperationState was, String orderKey, boolean settingsStale) {
    }

    /**
     * The shape of a move's statement: fenced by nothing ({@link #NONE}) or by a lease; given the caller's copy of
     * the tenant's settings or not; writing only while that copy is current ({@code onlyIfCurrent}); taking the
     * patient line's lock ({@code lockLine}). Made by {@link #move}, {@link #moveLeased} and
     * {@link #moveLeasedIfCurrent}, the three shapes the engine uses.
     */
    private record Fence(Lease lease, TenantSettings settings, boolean onlyIfCurrent, boolean lockLine) {
        static final Fence NONE = new Fence(null, null, false, false);

        Fence {
            if (lease == null && (onlyIfCurrent || lockLine)) {
                throw new IllegalArgumentException("a settings guard or a line lock needs a lease");
            }
            if (onlyIfCurrent && settings == null) {
                throw new IllegalArgumentException("a settings guard needs the settings");
            }
        }

        /** The statement: the lease's queue change (if any), then the move, returning what {@link Fenced} needs. */
        String sql(String alsoSet) {
            return (lease == null ? "" : "WITH lease AS (" + lease.sql()
                    + " WHERE operation_id = ? AND lease_token = ?"
                    + (onlyIfCurrent ? " AND " + TenantSettings.CURRENT : "")
                    + " RETURNING operation_id, order_key) ")
                    + "UPDATE write_operation o SET state = ?, updated_at = now()"
                    + (alsoSet.isEmpty() ? "" : ", " + alsoSet)
                    + " FROM (SELECT id, state FROM write_operation WHERE id = "
                    + (lease == null ? "?" : "(SELECT operation_id FROM lease)") + " FOR UPDATE) was"
                    + (lease == null ? "" : ", lease")
                    + " WHERE o.id = was.id RETURNING was.state, o.tenant_id, "
                    + (lease == null ? "NULL" : "lease.order_key")
                    + (settings == null ? "" : ", " + TenantSettings.VERSION_OF.replace("?", "o.tenant_id"))
                    + (lockLine ? ", " + Outbox.lockLineOf("lease.order_key") : "");
        }

        /** Binds {@link #sql}'s parameters in its order. */
        void bind(PreparedStatement ps, UUID operationId, OperationState to, Object[] values) throws SQLException {
            int i = 1;
            if (lease != null) {
                for (Object value : lease.values()) {
                    ps.setObject(i++, value);
                }
                ps.setObject(i++, operationId);
                ps.setObject(i++, lease.leaseToken());
                if (onlyIfCurrent) {
                    i = settings.bindCurrent(ps, i);
                }
            }
            ps.setString(i++, to.name());
            for (Object value : values) {
                ps.setObject(i++, value);
            }
            if (lease == null) {
                ps.setObject(i, operationId);
            }
        }
    }

    /**
     * As {@link #move(Connection, UUID, OperationState, boolean, String, Object...)}, in one statement with the
     * lease's queue change: nothing is written (and null returned) unless the outbox row still carries the lease
     * token. The outbox row is locked first and then the operation, in the order every engine transaction takes
     * them, and the old state is read under the lock, so no concurrent move comes between.
     *
     * <p>{@code settings} (may be null) is the caller's copy of the tenant's settings: when the same statement reads
     * the tenant's settings version equal to the copy's, the copy's webhook filters stand for the webhooks a query
     * would find (every change of a webhook raises the version in its own transaction, V70_1), and when none takes
     * this move's notice the query is not sent. With {@code lockLine} the statement also takes the patient line's
     * lock (after the row locks) of a write that leaves its line, so that {@link Outbox#leaveLine} with
     * {@code locked} looks at the line in a later statement, after the lock, as it must.
     */
    static Fenced moveLeased(Connection c, UUID operationId, Lease lease, OperationState to, boolean notify,
                             TenantSettings settings, boolean lockLine, String alsoSet, Object... values)
            throws SQLException {
        return update(c, operationId, new Fence(lease, settings, false, lockLine), to, notify, alsoSet, values);
    }

    /**
     * As {@link #moveLeased} for a move whose notice no webhook takes by {@code settings} (a copy of the tenant's
     * settings): the statement writes nothing unless the lease holds and the tenant's settings are still at the
     * copy's version, and never queues a notice, so that it can be its own transaction (autocommit) when it is the
     * transition's only write. Null when nothing was written: the lease is lost or the copy stale, which the caller
     * tells apart by recording the move the ordinary way.
     */
    static Fenced moveLeasedIfCurrent(Connection c, UUID operationId, Lease lease, OperationState to,
                                      TenantSettings settings, String alsoSet, Object... values) throws SQLException {
        return update(c, operationId, new Fence(lease, settings, true, false), to, false, alsoSet, values);
    }

    private static Fenced update(Connection c, UUID operationId, Fence fence, OperationState to, boolean notify,
                                 String alsoSet, Object[] values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(fence.sql(alsoSet))) {
            fence.bind(ps, operationId, to, values);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                OperationState was = OperationState.valueOf(rs.getString(1));
                String tenantId = rs.getString(2);
                TenantSettings settings = fence.settings();
                boolean stale = settings != null && (rs.getLong(4) != settings.version()
                        || !settings.tenantId().equals(tenantId));
                if (was != to && notify && (settings == null || stale
                        || settings.anyWebhookTakes(WebhookNotices.STATE_CHANGED, to.name()))) {
                    notice(c, tenantId, operationId);
                }
                return new Fenced(was, rs.getString(3), stale);
            }
        }
    }

    /** Moves every operation of the event in state {@code from} to {@code to}; returns them by target and part. */
    public static List<Moved> moveAll(Connection c, UUID eventId, OperationState from, OperationState to)
            throws SQLException {
        List<Moved> moved = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH moved AS (UPDATE write_operation SET state = ?,"
                + " updated_at = now() WHERE event_id = ? AND state = ?"
                + " RETURNING id, tenant_id, tenant_id || '/' || target AS queue, target, part)"
                + " SELECT id, tenant_id, queue FROM moved ORDER BY target, part")) {
            ps.setString(1, to.name());
            ps.setObject(2, eventId);
            ps.setString(3, from.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    moved.add(new Moved(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
                }
            }
        }
        if (from != to) {
            for (Moved m : moved) {
                notice(c, m.tenantId(), m.id());
            }
        }
        return moved;
    }

    private static boolean inserted(Connection c, PreparedStatement insert, String tenantId, UUID operationId)
            throws SQLException {
        if (insert.executeUpdate() == 0) {
            return false;
        }
        notice(c, tenantId, operationId);
        return true;
    }

    private static void notice(Connection c, String tenantId, UUID operationId) throws SQLException {
        WebhookNotices.operationChanged(c, tenantId, operationId, WebhookNotices.STATE_CHANGED, Map.of());
    }
}
