package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.UpdateOutcome;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Stores both sides of a conflict an update met (table {@code write_conflict}), in the transaction that moves the
 * operation to {@code CONFLICT}, so a reviewer sees the gateway's intent next to what the EHR holds. Stateless.
 */
final class ConflictRecords {
    private ConflictRecords() {
    }

    static void insert(Connection c, UUID operationId, RemoteRef base, UpdateOutcome.Conflict conflict)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_conflict (operation_id, base_version,"
                + " remote_version, local_fields, remote_fields, local_intent, remote_content)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, operationId);
            ps.setString(2, base == null ? null : base.version());
            ps.setString(3, conflict.remoteVersion());
            ps.setString(4, String.join(",", conflict.localFields()));
            ps.setString(5, String.join(",", conflict.remoteFields()));
            ps.setString(6, conflict.localIntent());
            ps.setString(7, conflict.remoteContent());
            ps.executeUpdate();
        }
    }
}
