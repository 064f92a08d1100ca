package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.UUID;

/**
 * What a tenant asks its webhooks to receive again or on purpose: a test ping, and the resend of a finished
 * delivery. Both queue a new delivery for the dispatcher (same address checks, signing and retries as any other),
 * audited in the transaction that queues it. A resend carries the same message, so the same
 * {@code webhook-id}: a receiver that de-duplicates on it sees the message once. Thread-safe.
 */
public final class WebhookReplays {
    private final Jdbc jdbc;

    public WebhookReplays(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** How a resend request ended. */
    public sealed interface Resend {
        /** Queued as a new delivery. */
        record Queued(UUID deliveryId) implements Resend {
        }

        /** The delivery is still pending: it will be attempted anyway. */
        record StillPending() implements Resend {
        }

        /** No such delivery of the tenant's active webhook. */
        record NotFound() implements Resend {
        }
    }

    /**
     * Queues a {@link WebhookNotices#PING} notice {@code {id, type, tenantId, webhookId, occurredAt}} to the
     * tenant's active webhook, whatever its filters; null when it has no such webhook.
     */
    public UUID ping(String tenantId, String actor, UUID webhookId) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhook WHERE id = ? AND tenant_id = ?"
                    + " AND removed_at IS NULL FOR SHARE")) {
                ps.setObject(1, webhookId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                }
            }
            UUID id = UUID.randomUUID();
            ObjectNode payload = Json.MAPPER.createObjectNode();
            payload.put("id", UUID.randomUUID().toString());
            payload.put("type", WebhookNotices.PING);
            payload.put("tenantId", tenantId);
            payload.put("webhookId", webhookId.toString());
            payload.put("occurredAt", Instant.now().toString());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_delivery (id, message_id,"
                    + " webhook_id, tenant_id, notice_type, payload, state) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')")) {
                ps.setObject(1, id);
                ps.setObject(2, id);
                ps.setObject(3, webhookId);
                ps.setString(4, tenantId);
                ps.setString(5, WebhookNotices.PING);
                ps.setString(6, Json.canonical(payload));
                ps.executeUpdate();
            }
            AuditLog.append(c, tenantId, actor, "webhook.ping-queued", null, null, detail(webhookId, id, null));
            return id;
        });
    }

    /** Queues the same message as a finished delivery (delivered, given up or cancelled) again, as a new delivery. */
    public Resend resend(String tenantId, String actor, UUID webhookId, UUID deliveryId) {
        return jdbc.inTransaction(c -> {
            String state;
            try (PreparedStatement ps = c.prepareStatement("SELECT d.state FROM webhook_delivery d JOIN webhook w"
                    + " ON w.id = d.webhook_id WHERE d.id = ? AND d.webhook_id = ? AND w.tenant_id = ?"
                    + " AND w.removed_at IS NULL FOR SHARE OF w")) {
                ps.setObject(1, deliveryId);
                ps.setObject(2, webhookId);
                ps.setString(3, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Resend.NotFound();
                    }
                    state = rs.getString(1);
                }
            }
            if ("PENDING".equals(state)) {
                return new Resend.StillPending();
            }
            UUID id = UUID.randomUUID();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_delivery (id, message_id,"
                    + " webhook_id, tenant_id, notice_type, event_id, operation_id, payload, state, resent_from)"
                    + " SELECT ?, message_id, webhook_id, tenant_id, notice_type, event_id, operation_id, payload,"
                    + " 'PENDING', id FROM webhook_delivery WHERE id = ?")) {
                ps.setObject(1, id);
                ps.setObject(2, deliveryId);
                ps.executeUpdate();
            }
            AuditLog.append(c, tenantId, actor, "webhook.resend-queued", null, null,
                    detail(webhookId, id, deliveryId));
            return new Resend.Queued(id);
        });
    }

    private static String detail(UUID webhookId, UUID deliveryId, UUID resentFrom) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("webhookId", webhookId.toString());
        d.put("deliveryId", deliveryId.toString());
        if (resentFrom != null) {
            d.put("resentFrom", resentFrom.toString());
        }
        return Json.canonical(d);
    }
}
