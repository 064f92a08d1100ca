package dev.chartbridge.core.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

/**
 * Appends audit entries inside the caller's transaction, so an entry exists exactly when the change it records
 * does. Entries are linked into the tamper-evident chain moments later by {@link AuditSealer}. Thread-safe.
 */
public final class AuditLog {
    private AuditLog() {
    }

    /**
     * @param actor  who did it: {@code apikey:<id>}, {@code node:<name>}, {@code user:<id>}
     * @param action a stable dotted name, e.g. {@code event.accepted}, {@code operation.send}
     * @param detail a JSON object with the decision's facts; ids and codes, not clinical content
     */
    public static void append(Connection c, String tenantId, String actor, String action, UUID eventId,
                              UUID operationId, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_entry (tenant_id, actor, action, event_id,"
                + " operation_id, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenantId);
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setObject(4, eventId, Types.OTHER);
            ps.setObject(5, operationId, Types.OTHER);
            ps.setString(6, detail);
            ps.executeUpdate();
        }
    }
}
