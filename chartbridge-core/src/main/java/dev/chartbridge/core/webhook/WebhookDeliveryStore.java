package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The dispatcher's SQL: claiming due deliveries with a lease, and recording each attempt with the delivery's new
 * state and its audit entry in one transaction, fenced by the lease token. Thread-safe.
 */
final class WebhookDeliveryStore {
    private final Jdbc jdbc;
    private final String node;

    WebhookDeliveryStore(Jdbc jdbc, String node) {
        this.jdbc = jdbc;
        this.node = node;
    }

    /** A delivery this node holds the lease on, with its webhook's URL. */
    record Claimed(UUID id, UUID token, UUID webhookId, String tenantId, UUID eventId, UUID operationId,
                   String type, String payload, int attempts, String url, UUID messageId) {
    }

    /** How one attempt ended: the delivery's new state and, when pending, when it is due again. */
    record Attempt(Instant startedAt, long durationMs, Integer httpStatus, String error, String state,
                   Instant nextDue) {
    }

    List<Claimed> claim(int limit, Duration lease) {
        return jdbc.inTransaction(c -> {
            List<Claimed> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_delivery d SET due_at = now() + ?"
                    + " * interval '1 ms', lease_token = gen_random_uuid() FROM (SELECT id FROM webhook_delivery"
                    + "   WHERE state = 'PENDING' AND due_at <= now() ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED) due,"
                    + " webhook w WHERE d.id = due.id AND w.id = d.webhook_id RETURNING d.id, d.lease_token,"
                    + " d.webhook_id, d.tenant_id, d.event_id, d.operation_id, d.notice_type, d.payload, d.attempts,"
                    + " w.url, d.message_id")) {
                ps.setLong(1, lease.toMillis());
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                rs.getObject(3, UUID.class), rs.getString(4), rs.getObject(5, UUID.class),
                                rs.getObject(6, UUID.class), rs.getString(7), rs.getString(8), rs.getInt(9),
                                rs.getString(10), rs.getObject(11, UUID.class)));
                    }
                }
            }
            return claimed;
        });
    }

    /** The W3C traceparent the delivery's event was accepted under; null for none (issue #14). */
    String traceparent(UUID eventId) {
        if (eventId == null) {
            return null;
        }
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT traceparent FROM clinical_event WHERE id = ?")) {
                ps.setObject(1, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** Records the attempt; false (nothing changed) when the lease was lost or the delivery was cancelled. */
    boolean record(Claimed d, Attempt a) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhook_delivery WHERE id = ?"
                    + " AND lease_token = ? AND state = 'PENDING' FOR UPDATE")) {
                ps.setObject(1, d.id());
                ps.setObject(2, d.token());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_attempt (delivery_id, started_at,"
                    + " duration_ms, http_status, error, node) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, d.id());
                ps.setTimestamp(2, Timestamp.from(a.startedAt()));
                ps.setInt(3, (int) Math.min(Integer.MAX_VALUE, a.durationMs()));
                ps.setObject(4, a.httpStatus(), Types.INTEGER);
                ps.setString(5, a.error());
                ps.setString(6, node);
                ps.executeUpdate();
            }
            boolean pending = "PENDING".equals(a.state());
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_delivery SET state = ?, attempts = attempts"
                    + " + 1, lease_token = NULL, due_at = coalesce(?, now()), finished_at = CASE WHEN ? THEN NULL"
                    + " ELSE now() END WHERE id = ?")) {
                ps.setString(1, a.state());
                ps.setTimestamp(2, a.nextDue() == null ? null : Timestamp.from(a.nextDue()));
                ps.setBoolean(3, pending);
                ps.setObject(4, d.id());
                ps.executeUpdate();
            }
            String action = switch (a.state()) {
                case "DELIVERED" -> "webhook.delivered";
                case "PENDING" -> "webhook.retry-scheduled";
                default -> "webhook.gave-up";
            };
            AuditLog.append(c, d.tenantId(), "node:" + node, action, d.eventId(), d.operationId(), detail(d, a));
            return true;
        });
    }

    private static String detail(Claimed d, Attempt a) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("webhookId", d.webhookId().toString());
        o.put("deliveryId", d.id().toString());
        o.put("noticeType", d.type());
        o.put("attempt", d.attempts() + 1);
        if (a.httpStatus() != null) {
            o.put("httpStatus", a.httpStatus());
        }
        if (a.error() != null) {
            o.put("error", a.error());
        }
        if (a.nextDue() != null) {
            o.put("nextDue", a.nextDue().toString());
        }
        return Json.canonical(o);
    }
}
