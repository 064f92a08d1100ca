package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.webhook.WebhookNotices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Read-back watching's SQL: which written records are due for a re-read, and what a re-read found, recorded with
 * the change row, the operation's new remote version, the audit entry and the webhook notices in one transaction.
 * Thread-safe.
 */
final class ReadBackStore {
    /** The states whose record stands written in the EHR and is watched. */
    static final Set<OperationState> WATCHED = EnumSet.of(OperationState.VERIFIED,
            OperationState.CREATED_UNVERIFIED, OperationState.MODIFIED);

    /** States of a change of a record that may have reached the EHR and is not settled: sent, or about to be. */
    private static final String CHANGING = Arrays.stream(OperationState.values())
            .filter(s -> !s.isTerminal() && s != OperationState.AWAITING_APPROVAL)
            .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));

    private final Jdbc jdbc;
    private final String node;

    ReadBackStore(Jdbc jdbc, String node) {
        this.jdbc = jdbc;
        this.node = node;
    }

    /** A claimed re-read with the baseline it is compared against. */
    record Due(UUID operationId, UUID token, String lastVersion, String lastStatus, String lastFingerprint) {
    }

    /**
     * Starts (or restarts, with a fresh baseline) watching an operation that just reached a written state: an
     * insert to be a data-modifying CTE of the statement that records the transition (with its attempt and audit
     * entries); parameters bound by {@link #bindWatch}. The baseline is the record as the verification read saw it,
     * so that a change made in the EHR before the first re-read is reported too (on a vendor without versions
     * nothing else would show it); with {@code seen} null the first re-read sets it.
     */
    static final String WATCH_SQL = "INSERT INTO readback_watch (operation_id, queue, read_at,"
            + " last_version, last_status, last_fingerprint) VALUES (?, ?, now(), ?, ?, ?)"
            + " ON CONFLICT (operation_id) DO UPDATE SET read_at = now(), last_version = excluded.last_version,"
            + " last_status = excluded.last_status, last_fingerprint = excluded.last_fingerprint,"
            + " deleted = false";

    /** Binds {@link #WATCH_SQL}'s parameters from {@code index}; returns the next free index. */
    static int bindWatch(PreparedStatement ps, int index, UUID operationId, String queue, ReadBack.Present seen)
            throws SQLException {
        ps.setObject(index++, operationId);
        ps.setString(index++, queue);
        ps.setString(index++, seen == null ? null : seen.version());
        ps.setString(index++, seen == null ? null : seen.status());
        ps.setString(index++, seen == null ? null : seen.fingerprint());
        return index;
    }

    /**
     * The gateway itself changed a watched record ({@code changeId} is an update or compensation that reached a
     * written state, and is watched from what its verification saw): the record is watched under its latest
     * writer only, so the gateway's own change is never reported as one made in the EHR, and the record is not
     * read twice. Later changes in the EHR show on the changing operation.
     */
    static void handOver(Connection c, UUID changeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM readback_watch WHERE operation_id ="
                + " (SELECT amends_operation_id FROM write_operation WHERE id = ?)")) {
            ps.setObject(1, changeId);
            ps.executeUpdate();
        }
    }

    /**
     * Claims up to {@code limit} records of one queue last read at least {@code interval} ago, leaving out those
     * the gateway is changing right now (an update or compensation sent and not yet verified), whose new content
     * would read as a change made in the EHR.
     */
    /**
     * Which of {@code queues} have a record due for a re-read: one statement over all of them, so an idle node's
     * work per poll does not grow with its number of connections.
     */
    List<String> dueQueues(java.util.Collection<String> queues, Duration interval) {
        if (queues.isEmpty()) {
            return List.of();
        }
        return jdbc.read(c -> {
            List<String> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT q FROM unnest(?::text[]) q WHERE EXISTS"
                    + " (SELECT 1 FROM readback_watch WHERE queue = q AND NOT deleted"
                    + " AND read_at <= now() - ? * interval '1 ms')")) {
                ps.setArray(1, c.createArrayOf("text", queues.toArray()));
                ps.setLong(2, interval.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getString(1));
                    }
                }
            }
            return due;
        });
    }

    List<Due> claim(String queue, int limit, Duration interval) {
        return jdbc.inTransaction(c -> {
            List<Due> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE readback_watch w SET read_at = now(),"
                    + " claim_token = gen_random_uuid() FROM (SELECT operation_id FROM readback_watch"
                    + "   WHERE queue = ? AND NOT deleted AND read_at <= now() - ? * interval '1 ms'"
                    + "   AND NOT EXISTS (SELECT 1 FROM write_operation u WHERE u.amends_operation_id"
                    + "     = readback_watch.operation_id AND u.state IN (" + CHANGING + "))"
                    + "   ORDER BY read_at LIMIT ? FOR UPDATE SKIP LOCKED) d WHERE w.operation_id = d.operation_id"
                    + " RETURNING w.operation_id, w.claim_token, w.last_version, w.last_status, w.last_fingerprint")) {
                ps.setString(1, queue);
                ps.setLong(2, interval.toMillis());
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return due;
        });
    }

    /**
     * Records what the re-read found; returns the change it reported ({@code amended}, {@code status-changed},
     * {@code deleted}) or null when nothing changed, the read could not tell, or the claim is no longer ours.
     */
    String record(Due due, ReadBack found) {
        return jdbc.inTransaction(c -> {
            OperationRow op = lockWritten(c, due);
            if (op == null) {
                return null;
            }
            if (found instanceof ReadBack.Undetermined u) {
                update(c, due, "last_error = ?", u.error() == null ? "undetermined" : u.error().errorClass().name());
                return null;
            }
            String change;
            String version = null;
            String status = null;
            if (found instanceof ReadBack.Present p) {
                String baseline = due.lastVersion() != null ? due.lastVersion()
                        : op.remote() == null ? null : op.remote().version();
                boolean known = due.lastFingerprint() != null;
                boolean newVersion = baseline != null && p.version() != null && !baseline.equals(p.version());
                change = known && !Objects.equals(due.lastStatus(), p.status()) ? "status-changed"
                        : newVersion || known && !due.lastFingerprint().equals(p.fingerprint()) ? "amended" : null;
                version = p.version();
                status = p.status();
                update(c, due, "last_version = ?, last_status = ?, last_fingerprint = ?, last_error = NULL",
                        p.version(), p.status(), p.fingerprint());
            } else {
                change = "deleted";
                update(c, due, "deleted = true, last_error = NULL");
            }
            if (change != null) {
                String previousVersion = due.lastVersion() != null ? due.lastVersion()
                        : op.remote() == null ? null : op.remote().version();
                changed(c, op, change, previousVersion, version, due.lastStatus(), status, found);
            }
            return change;
        });
    }

    private void changed(Connection c, OperationRow op, String change, String previousVersion, String version,
                         String previousStatus, String status, ReadBack found) throws SQLException {
        if (version != null) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE write_operation SET remote_version = ? WHERE id = ?")) {
                ps.setString(1, version);
                ps.setObject(2, op.id());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO remote_change (operation_id, event_id, tenant_id,"
                + " change, previous_version, version, previous_status, status, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, op.id());
            ps.setObject(2, op.eventId());
            ps.setString(3, op.tenantId());
            ps.setString(4, change);
            ps.setString(5, previousVersion);
            ps.setString(6, version);
            ps.setString(7, previousStatus);
            ps.setString(8, status);
            ps.setString(9, node);
            ps.executeUpdate();
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("change", change);
        if (version != null) {
            facts.put("remoteVersion", version);
        }
        if (status != null) {
            facts.put("remoteStatus", status);
        }
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("target", op.target());
        facts.forEach(d::put);
        d.put("previousVersion", previousVersion);
        d.put("previousStatus", previousStatus);
        if (found.exchange().httpStatus() > 0) {
            d.put("httpStatus", found.exchange().httpStatus());
        }
        AuditLog.append(c, op.tenantId(), "node:" + node, "operation.remote-changed", op.eventId(), op.id(),
                Json.canonical(d));
        WebhookNotices.operationChanged(c, op.tenantId(), op.id(), WebhookNotices.REMOTE_CHANGED, facts);
    }

    /** The operation, locked, while the claim is ours and it is still written; otherwise stops watching it. */
    private static OperationRow lockWritten(Connection c, Due due) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM readback_watch WHERE operation_id = ?"
                + " AND claim_token = ? FOR UPDATE")) {
            ps.setObject(1, due.operationId());
            ps.setObject(2, due.token());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, tenant_id, target, state, remote_id,"
                + " remote_version, resource_type FROM write_operation WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, due.operationId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OperationState state = OperationState.valueOf(rs.getString(4));
                if (!WATCHED.contains(state)) {
                    try (PreparedStatement del = c.prepareStatement(
                            "DELETE FROM readback_watch WHERE operation_id = ?")) {
                        del.setObject(1, due.operationId());
                        del.executeUpdate();
                    }
                    return null;
                }
                return new OperationRow(due.operationId(), rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getString(3), 0, rs.getString(7), null, state, 0, 0,
                        new dev.chartbridge.core.adapter.RemoteRef(rs.getString(7), rs.getString(5), rs.getString(6)),
                        null, null, false, "create", null, null, null, 0, null, null);
            }
        }
    }

    private static void update(Connection c, Due due, String set, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE readback_watch SET " + set + ", reads = reads + 1"
                + " WHERE operation_id = ?")) {
            int i = 1;
            for (String v : values) {
                ps.setString(i++, v);
            }
            ps.setObject(i, due.operationId());
            ps.executeUpdate();
        }
    }
}
