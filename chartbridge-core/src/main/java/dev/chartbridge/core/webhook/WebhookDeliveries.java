package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads a webhook's recorded deliveries, each with every attempt, as its tenant sees them. Thread-safe. */
public final class WebhookDeliveries {
    private final Jdbc jdbc;

    public WebhookDeliveries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One notice to one webhook: {@code PENDING}, {@code DELIVERED}, {@code GAVE_UP} or {@code CANCELLED}.
     * {@code messageId} is the {@code webhook-id} it is sent with; a resend has the message id of the delivery it
     * repeats ({@code resentFrom}).
     */
    public record Delivery(UUID id, String type, UUID eventId, UUID operationId, String state, int attemptCount,
                           Instant createdAt, Instant finishedAt, @JsonRawValue String payload, List<Attempt> attempts,
                           UUID messageId, UUID resentFrom) {
    }

    /**
     * One POST: its answer's status (null when none came), how long it took, and its error class when it failed
     * ({@code timeout}, {@code http-status}, {@code delivery-failed}; never finer).
     */
    public record Attempt(Instant startedAt, long durationMs, Integer httpStatus, String error, String node) {
    }

    /** The newest {@code limit} deliveries of the tenant's webhook (removed ones too), or empty when it has none. */
    public Optional<List<Delivery>> of(String tenantId, UUID webhookId, int limit) {
        return jdbc.snapshot(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhook WHERE id = ? AND tenant_id = ?")) {
                ps.setObject(1, webhookId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
            Map<UUID, List<Attempt>> attempts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.delivery_id, a.started_at, a.duration_ms,"
                    + " a.http_status, a.error, a.node FROM webhook_attempt a JOIN (SELECT id FROM webhook_delivery"
                    + " WHERE webhook_id = ? ORDER BY created_at DESC LIMIT ?) d ON d.id = a.delivery_id ORDER BY a.id")) {
                ps.setObject(1, webhookId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int status = rs.getInt(4);
                        Integer http = rs.wasNull() ? null : status;
                        attempts.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(
                                new Attempt(rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getLong(3), http,
                                        rs.getString(5), rs.getString(6)));
                    }
                }
            }
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, notice_type, event_id, operation_id, state,"
                    + " attempts, created_at, finished_at, payload, message_id, resent_from FROM webhook_delivery WHERE webhook_id = ?"
                    + " ORDER BY created_at DESC, id LIMIT ?")) {
                ps.setObject(1, webhookId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        OffsetDateTime finished = rs.getObject(8, OffsetDateTime.class);
                        out.add(new Delivery(id, rs.getString(2), rs.getObject(3, UUID.class),
                                rs.getObject(4, UUID.class), rs.getString(5), rs.getInt(6),
                                rs.getObject(7, OffsetDateTime.class).toInstant(),
                                finished == null ? null : finished.toInstant(), rs.getString(9),
                                attempts.getOrDefault(id, List.of()), rs.getObject(10, UUID.class),
                                rs.getObject(11, UUID.class)));
                    }
                }
            }
            return Optional.of(out);
        });
    }
}
