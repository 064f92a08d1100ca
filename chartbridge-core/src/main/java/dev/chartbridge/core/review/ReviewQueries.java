package dev.chartbridge.core.review;

import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.status.EventView;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists a tenant's undelivered writes (in review, ended unwritten, or waiting; see {@link ReviewFilter}), newest
 * first, each with its evidence. Thread-safe.
 */
public final class ReviewQueries {
    /** The detail the engine records when a reconciliation search finds several records (OperationRunner). */
    private static final Pattern CANDIDATES = Pattern.compile("several records match this write: (.+)$");

    private final Jdbc jdbc;

    public ReviewQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public List<ReviewItem> list(String tenantId, ReviewFilter filter) {
        return jdbc.snapshot(c -> {
            List<ReviewItem> items = items(c, tenantId, filter);
            Map<UUID, List<EventView.AttemptView>> attempts = attempts(c, items);
            Map<UUID, ReviewItem.Conflict> conflicts = conflicts(c, items);
            return items.stream().map(i -> new ReviewItem(i.id(), i.eventId(), i.target(), i.vendor(), i.part(),
                    i.resourceType(), i.state(), i.errorClass(), i.errorDetail(), i.remoteId(), i.remoteVersion(),
                    i.sends(), i.inReviewSince(), i.candidates(), attempts.getOrDefault(i.id(), List.of()),
                    conflicts.get(i.id()))).toList();
        });
    }

    private static List<ReviewItem> items(Connection c, String tenantId, ReviewFilter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, event_id, target, vendor, part, resource_type, state,"
                + " error_class, error_detail, remote_id, remote_version, sends, updated_at FROM write_operation"
                + " WHERE tenant_id = ? AND state = ANY (?)");
        if (f.target() != null) {
            sql.append(" AND target = ?");
        }
        if (f.errorClass() != null) {
            sql.append(" AND error_class = ?");
        }
        if (f.since() != null) {
            sql.append(" AND updated_at >= ?");
        }
        if (f.until() != null) {
            sql.append(" AND updated_at < ?");
        }
        sql.append(" ORDER BY updated_at DESC, id LIMIT ?");
        List<ReviewItem> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, tenantId);
            ps.setArray(i++, c.createArrayOf("text", f.states().stream().map(Enum::name).toArray()));
            if (f.target() != null) {
                ps.setString(i++, f.target());
            }
            if (f.errorClass() != null) {
                ps.setString(i++, f.errorClass());
            }
            if (f.since() != null) {
                ps.setTimestamp(i++, Timestamp.from(f.since()));
            }
            if (f.until() != null) {
                ps.setTimestamp(i++, Timestamp.from(f.until()));
            }
            ps.setInt(i, f.limit());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String detail = rs.getString(9);
                    items.add(new ReviewItem(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), detail, rs.getString(10), rs.getString(11), rs.getInt(12),
                            rs.getObject(13, OffsetDateTime.class).toInstant(), candidates(detail), List.of(), null));
                }
            }
        }
        return items;
    }

    /** The {@code ResourceType/id} references a reconciliation named in its detail; empty when it named none. */
    static List<String> candidates(String detail) {
        if (detail == null) {
            return List.of();
        }
        Matcher m = CANDIDATES.matcher(detail);
        return m.find() ? Arrays.stream(m.group(1).split(",\\s*")).filter(s -> s.contains("/")).toList() : List.of();
    }

    /** The newest stored conflict of each listed operation in CONFLICT. */
    private static Map<UUID, ReviewItem.Conflict> conflicts(Connection c, List<ReviewItem> items) throws SQLException {
        Map<UUID, ReviewItem.Conflict> byOp = new HashMap<>();
        Object[] ids = items.stream().filter(i -> OperationState.CONFLICT.name().equals(i.state()))
                .map(ReviewItem::id).toArray();
        if (ids.length == 0) {
            return byOp;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT operation_id, detected_at, base_version,"
                + " remote_version, local_fields, remote_fields, local_intent, remote_content FROM write_conflict"
                + " WHERE operation_id = ANY (?) ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byOp.put(rs.getObject(1, UUID.class), new ReviewItem.Conflict(
                            rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3), rs.getString(4),
                            fields(rs.getString(5)), fields(rs.getString(6)), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return byOp;
    }

    private static List<String> fields(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

    private static Map<UUID, List<EventView.AttemptView>> attempts(Connection c, List<ReviewItem> items)
            throws SQLException {
        Map<UUID, List<EventView.AttemptView>> byOp = new HashMap<>();
        if (items.isEmpty()) {
            return byOp;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT operation_id, step, started_at, duration_ms, outcome,"
                + " http_status, error_class, detail, trace_id, node, repeats FROM delivery_attempt"
                + " WHERE operation_id = ANY (?) ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("uuid", items.stream().map(ReviewItem::id).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(6);
                    Integer http = rs.wasNull() ? null : status;
                    byOp.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(new EventView.AttemptView(rs.getString(2),
                                    rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getLong(4), rs.getString(5),
                                    http, rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                    rs.getInt(11)));
                }
            }
        }
        return byOp;
    }
}
