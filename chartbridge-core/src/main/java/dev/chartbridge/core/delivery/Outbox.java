package dev.chartbridge.core.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Puts an operation into the delivery queue, due now, inside the caller's transaction. */
public final class Outbox {
    private Outbox() {
    }

    public static void enqueue(Connection c, UUID operationId, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (operation_id, queue, due_at) VALUES (?, ?, now())")) {
            ps.setObject(1, operationId);
            ps.setString(2, queue);
            ps.executeUpdate();
        }
    }
}
