package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The requests shadowed writes would have sent ({@code shadow_request}), one per operation, kept with the
 * transition that produced them. Works inside the caller's transaction. Stateless and thread-safe.
 */
public final class ShadowRequests {
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private ShadowRequests() {
    }

    /** Keeps the rendered request of one operation; a later rendering (after a review retry) replaces it. */
    static void keep(Connection c, UUID operationId, RenderedRequest r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shadow_request (operation_id, method, path,"
                + " headers, content_type, body) VALUES (?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (operation_id) DO UPDATE"
                + " SET method = excluded.method, path = excluded.path, headers = excluded.headers,"
                + " content_type = excluded.content_type, body = excluded.body, rendered_at = now()")) {
            ps.setObject(1, operationId);
            ps.setString(2, r.method());
            ps.setString(3, r.path());
            ps.setString(4, Json.MAPPER.valueToTree(r.headers()).toString());
            ps.setString(5, r.contentType());
            ps.setString(6, r.body());
            ps.executeUpdate();
        }
    }

    /** The rendered requests of an event's operations, by operation id. */
    public static Map<UUID, RenderedRequest> ofEvent(Connection c, UUID eventId) throws SQLException {
        Map<UUID, RenderedRequest> byOp = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.operation_id, s.method, s.path, s.headers::text,"
                + " s.content_type, s.body FROM shadow_request s JOIN write_operation o ON o.id = s.operation_id"
                + " WHERE o.event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byOp.put(rs.getObject(1, UUID.class), new RenderedRequest(rs.getString(2), rs.getString(3),
                            headers(rs.getString(4)), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return byOp;
    }

    private static Map<String, String> headers(String json) {
        try {
            return Json.MAPPER.readValue(json, HEADERS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
