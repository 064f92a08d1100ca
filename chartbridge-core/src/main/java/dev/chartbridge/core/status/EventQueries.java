package dev.chartbridge.core.status;

import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.delivery.ShadowRequests;
import dev.chartbridge.core.event.EventStatus;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads events with their operations, attempts and timeline, as a tenant sees them. Thread-safe. */
public final class EventQueries {
    private final Jdbc jdbc;

    public EventQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The event if it exists and belongs to the tenant (another tenant's event is indistinguishable from none). */
    public Optional<EventView> find(String tenantId, UUID eventId) {
        return jdbc.snapshot(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT event_type, accepted_at FROM clinical_event"
                    + " WHERE id = ? AND tenant_id = ?")) {
                ps.setObject(1, eventId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    List<EventView.OperationView> ops = operations(c, eventId);
                    String status = EventStatus.of(ops.stream().map(o -> OperationState.valueOf(o.state())).toList())
                            .wireName();
                    return Optional.of(new EventView(eventId, tenantId, rs.getString(1),
                            rs.getObject(2, OffsetDateTime.class).toInstant(), status, ops, timeline(c, eventId)));
                }
            }
        });
    }

    private static List<EventView.OperationView> operations(Connection c, UUID eventId) throws SQLException {
        Map<UUID, List<EventView.AttemptView>> attempts = attempts(c, eventId);
        Map<UUID, RenderedRequest> rendered = ShadowRequests.ofEvent(c, eventId);
        Map<UUID, List<EventView.RemoteChangeView>> changes = remoteChanges(c, eventId);
        List<EventView.OperationView> ops = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, target, vendor, part, resource_type, state,"
                + " remote_id, remote_version, sends, error_class, error_detail, shadow, kind, amends_operation_id"
                + " FROM write_operation WHERE event_id = ? ORDER BY target, part, kind <> 'create', created_at")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    ops.add(new EventView.OperationView(id, rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9),
                            rs.getString(10), rs.getString(11), rs.getBoolean(12), rendered.get(id),
                            attempts.getOrDefault(id, List.of()), changes.getOrDefault(id, List.of()),
                            rs.getString(13), rs.getObject(14, UUID.class)));
                }
            }
        }
        return ops;
    }

    private static Map<UUID, List<EventView.AttemptView>> attempts(Connection c, UUID eventId) throws SQLException {
        Map<UUID, List<EventView.AttemptView>> byOp = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.operation_id, a.step, a.started_at, a.duration_ms,"
                + " a.outcome, a.http_status, a.error_class, a.detail, a.trace_id, a.node, a.repeats FROM delivery_attempt a"
                + " JOIN write_operation o ON o.id = a.operation_id WHERE o.event_id = ? ORDER BY a.id")) {
            ps.setObject(1, eventId);
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

    private static Map<UUID, List<EventView.RemoteChangeView>> remoteChanges(Connection c, UUID eventId)
            throws SQLException {
        Map<UUID, List<EventView.RemoteChangeView>> byOp = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT operation_id, detected_at, change, previous_version,"
                + " version, previous_status, status FROM remote_change WHERE event_id = ? ORDER BY id")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byOp.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(new EventView.RemoteChangeView(rs.getObject(2, OffsetDateTime.class).toInstant(),
                                    rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                    rs.getString(7)));
                }
            }
        }
        return byOp;
    }

    private static List<EventView.TimelineEntry> timeline(Connection c, UUID eventId) throws SQLException {
        List<EventView.TimelineEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, recorded_at, actor, action, operation_id, detail"
                // Reads of the event (PhiReads) are audited but are not what happened to it: kept off its timeline,
                // in the form the index audit_entry_event_reads matches (V72), so they are not even read.
                + " FROM audit_entry WHERE event_id = ? AND " + PhiReads.NOT_A_READ + " ORDER BY id")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new EventView.TimelineEntry(rs.getLong(1),
                            rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getObject(5, UUID.class), rs.getString(6)));
                }
            }
        }
        return entries;
    }
}
