package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.event.EventStatus;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Queues a notice of an operation's change for every active webhook of its tenant, inside the caller's
 * transaction, so a notice exists exactly when the change it reports does. The notice carries ids, states and
 * codes only (no PHI): {@code {id, type, tenantId, eventId, operationId, target, state, eventStatus, occurredAt}}
 * plus the type's own facts; a notice of an operation that has not written and carries an error class (rejected,
 * dead, in review, waiting to retry) has {@code errorClass} too. Each webhook gets only the notice types and
 * operation states its filters name (none named: all). A tenant without webhooks costs one indexed query.
 * Thread-safe (stateless).
 */
public final class WebhookNotices {
    /** An operation moved to another state (accepted, queued, sent, verified, in review, ...). */
    public static final String STATE_CHANGED = "operation.state-changed";
    /** Read-back found the written record amended, its status changed, or deleted in the EHR. */
    public static final String REMOTE_CHANGED = "operation.remote-changed";
    /** A test notice asked for through the API; delivered whatever the webhook's filters say. */
    public static final String PING = "webhook.ping";
    /** The notice types a webhook may filter on. */
    public static final java.util.Set<String> FILTERABLE = java.util.Set.of(STATE_CHANGED, REMOTE_CHANGED);

    private WebhookNotices() {
    }

    /**
     * @param extra further facts of the notice (ids and codes only), added to the payload as strings
     * @return how many deliveries were queued
     */
    public static int operationChanged(Connection c, String tenantId, UUID operationId, String type,
                                       Map<String, String> extra) throws SQLException {
        List<UUID> webhooks = subscribedWebhooks(c, tenantId, operationId, type);
        if (webhooks.isEmpty()) {
            return 0;
        }
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("id", UUID.randomUUID().toString());
        payload.put("type", type);
        payload.put("tenantId", tenantId);
        UUID eventId;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT event_id, target, state, error_class FROM write_operation WHERE id = ?")) {
            ps.setObject(1, operationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                eventId = rs.getObject(1, UUID.class);
                payload.put("eventId", eventId.toString());
                payload.put("operationId", operationId.toString());
                payload.put("target", rs.getString(2));
                payload.put("state", rs.getString(3));
                String errorClass = rs.getString(4);
                if (errorClass != null && !OperationState.valueOf(rs.getString(3)).isWritten()) {
                    payload.put("errorClass", errorClass);
                }
            }
        }
        payload.put("eventStatus", eventStatus(c, eventId).wireName());
        payload.put("occurredAt", Instant.now().toString());
        extra.forEach(payload::put);
        String body = Json.canonical(payload);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_delivery (id, message_id, webhook_id,"
                + " tenant_id, notice_type, event_id, operation_id, payload, state)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING')")) {
            for (UUID webhook : webhooks) {
                UUID id = UUID.randomUUID();
                ps.setObject(1, id);
                ps.setObject(2, id);
                ps.setObject(3, webhook);
                ps.setString(4, tenantId);
                ps.setString(5, type);
                ps.setObject(6, eventId);
                ps.setObject(7, operationId);
                ps.setString(8, body);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return webhooks.size();
    }

    /** The tenant's active webhooks whose filters take this notice type and the operation's current state. */
    private static List<UUID> subscribedWebhooks(Connection c, String tenantId, UUID operationId, String type)
            throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT w.id FROM webhook w JOIN write_operation o"
                + " ON o.id = ? WHERE w.tenant_id = ? AND w.removed_at IS NULL"
                + " AND (w.notice_types IS NULL OR ? = ANY (w.notice_types))"
                + " AND (w.states IS NULL OR o.state = ANY (w.states))")) {
            ps.setObject(1, operationId);
            ps.setString(2, tenantId);
            ps.setString(3, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private static EventStatus eventStatus(Connection c, UUID eventId) throws SQLException {
        List<OperationState> states = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM write_operation WHERE event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.add(OperationState.valueOf(rs.getString(1)));
                }
            }
        }
        return EventStatus.of(states);
    }
}
