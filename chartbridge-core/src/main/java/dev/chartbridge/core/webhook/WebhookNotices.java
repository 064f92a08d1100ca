package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.delivery.EventStatus;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.intake.Json;

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
 * plus the type's own facts. A tenant without webhooks costs one indexed query. Thread-safe (stateless).
 */
public final class WebhookNotices {
    /** An operation moved to another state (accepted, queued, sent, verified, in review, ...). */
    public static final String STATE_CHANGED = "operation.state-changed";
    /** Read-back found the written record amended, its status changed, or deleted in the EHR. */
    public static final String REMOTE_CHANGED = "operation.remote-changed";

    private WebhookNotices() {
    }

    /**
     * @param extra further facts of the notice (ids and codes only), added to the payload as strings
     * @return how many deliveries were queued
     */
    public static int operationChanged(Connection c, String tenantId, UUID operationId, String type,
                                       Map<String, String> extra) throws SQLException {
        List<UUID> webhooks = activeWebhooks(c, tenantId);
        if (webhooks.isEmpty()) {
            return 0;
        }
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("id", UUID.randomUUID().toString());
        payload.put("type", type);
        payload.put("tenantId", tenantId);
        UUID eventId;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT event_id, target, state FROM write_operation WHERE id = ?")) {
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
            }
        }
        payload.put("eventStatus", eventStatus(c, eventId).wireName());
        payload.put("occurredAt", Instant.now().toString());
        extra.forEach(payload::put);
        String body = Json.canonical(payload);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_delivery (id, webhook_id, tenant_id,"
                + " notice_type, event_id, operation_id, payload, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')")) {
            for (UUID webhook : webhooks) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, webhook);
                ps.setString(3, tenantId);
                ps.setString(4, type);
                ps.setObject(5, eventId);
                ps.setObject(6, operationId);
                ps.setString(7, body);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return webhooks.size();
    }

    private static List<UUID> activeWebhooks(Connection c, String tenantId) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM webhook WHERE tenant_id = ? AND removed_at IS NULL")) {
            ps.setString(1, tenantId);
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
