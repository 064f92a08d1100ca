package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.webhook.WebhookNotices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * Plans operations that change a record an earlier operation wrote: an amendment's update, or a compensation
 * marking a record entered-in-error. Such an operation starts knowing the record (its EHR id and the version the
 * gateway last saw) and carries the identity stamped on it. It takes its place in the same patient's line as the
 * write it changes. Stateless; runs in the caller's transaction.
 */
public final class RecordChanges {
    public static final String UPDATE = "update";
    public static final String COMPENSATE = "compensate";

    private RecordChanges() {
    }

    /**
     * One planned change.
     *
     * @param amends     the operation that wrote (or last updated) the record
     * @param recordKey  the identity stamped on the record when it was created
     * @param onConflict {@code merge} or {@code review}: the policy in force when the change was planned
     */
    public record Change(UUID id, UUID eventId, String tenantId, Target target, String kind, String operationKey,
                         UUID amends, String recordKey, String resourceType, String remoteId, String remoteVersion,
                         String onConflict) {
    }

    /**
     * Inserts the operation, not yet queued (the caller enqueues it with {@link Outbox#enqueue}); false when the record already has a
     * change of this kind planned (a second amendment of the same write, a second compensation) or the operation
     * key exists, in which case nothing was inserted.
     */
    public static boolean insert(Connection c, Change ch, OperationState initial) throws SQLException {
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
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        WebhookNotices.operationChanged(c, ch.tenantId(), ch.id(), WebhookNotices.STATE_CHANGED, Map.of());
        return true;
    }
}
