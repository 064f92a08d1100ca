package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks, inside the intake transaction, that an amendment names an earlier event it may change: of this tenant,
 * the same type and patient, written on every target the amendment lists (the record exists and has the EHR's
 * id), and not amended already (the newest amendment is the one to amend next). Stateless.
 */
final class Amendments {
    private Amendments() {
    }

    /** The earlier write on one target: the record an update operation will change. */
    record Earlier(UUID operationId, String recordKey, String resourceType, String remoteId, String remoteVersion) {
    }

    /**
     * The earlier write per target name, or an empty map with {@code errors} saying (by JSON pointer) why the
     * reference cannot be honoured.
     */
    static Map<String, Earlier> resolve(Connection c, String tenantId, ClinicalEvent event, List<FieldError> errors)
            throws SQLException {
        Map<String, Earlier> earlier = new HashMap<>();
        JsonNode amended = amendedBody(c, tenantId, event.amends());
        if (amended == null) {
            errors.add(new FieldError("/amends", "names no event of tenant " + tenantId));
            return earlier;
        }
        if (!event.type().wireName().equals(amended.path("type").asText())) {
            errors.add(new FieldError("/amends", "names a " + amended.path("type").asText() + " event; an amendment"
                    + " must have the type of the event it amends (" + event.type().wireName() + ")"));
            return earlier;
        }
        if (!samePatient(event, amended.path("patient").path("identifiers"))) {
            errors.add(new FieldError("/patient/identifiers", "do not name the patient of the amended event"));
            return earlier;
        }
        Map<String, Row> rows = writesOf(c, event.amends());
        for (int i = 0; i < event.targets().size(); i++) {
            String target = event.targets().get(i);
            Row row = rows.get(target);
            if (row == null) {
                errors.add(new FieldError("/targets/" + i, "the amended event was not written to " + target));
            } else if (row.amendedBy() != null) {
                errors.add(new FieldError("/amends", "its write to " + target + " was already amended by event "
                        + row.amendedBy() + "; amend the newest event"));
            } else if (!row.state().isWritten() || row.earlier().remoteId() == null) {
                errors.add(new FieldError("/amends", "its write to " + target + " is " + row.state()
                        + ", not written (an update needs the record the EHR holds)"));
            } else {
                earlier.put(target, row.earlier());
            }
        }
        return errors.isEmpty() ? earlier : Map.of();
    }

    private record Row(Earlier earlier, OperationState state, UUID amendedBy) {
    }

    private static JsonNode amendedBody(Connection c, String tenantId, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT body::text FROM clinical_event WHERE id = ? AND tenant_id = ?")) {
            ps.setObject(1, id);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Json.MAPPER.readTree(rs.getString(1)) : null;
            } catch (IOException e) {
                return null;
            }
        }
    }

    private static boolean samePatient(ClinicalEvent event, JsonNode identifiers) {
        Set<Identifier> earlier = new HashSet<>();
        identifiers.forEach(i -> earlier.add(new Identifier(i.path("system").asText(), i.path("value").asText())));
        return event.patientIdentifiers().stream().anyMatch(earlier::contains);
    }

    /** The amended event's single-part writes (updates and creates, never compensations), by target. */
    private static Map<String, Row> writesOf(Connection c, UUID eventId) throws SQLException {
        Map<String, Row> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.target, o.id, coalesce(o.record_key,"
                + " o.operation_key), o.resource_type, o.remote_id, o.remote_version, o.state,"
                + " (SELECT u.event_id FROM write_operation u WHERE u.amends_operation_id = o.id"
                + "  AND u.kind = 'update') FROM write_operation o"
                + " WHERE o.event_id = ? AND o.kind <> 'compensate' AND o.part = 0")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new Row(new Earlier(rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6)),
                            OperationState.valueOf(rs.getString(7)), rs.getObject(8, UUID.class)));
                }
            }
        }
        return rows;
    }
}
