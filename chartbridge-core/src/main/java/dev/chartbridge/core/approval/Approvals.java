package dev.chartbridge.core.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.webhook.WebhookNotices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The second-clinician gate on medication changes: their writes wait in {@code AWAITING_APPROVAL}, outside the
 * queue, until a different clinician whose role may order medication approves them; the approval queues them
 * and is audited with who gave it, in one transaction. Thread-safe.
 */
public final class Approvals {
    private final Jdbc jdbc;

    public Approvals(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Who approves: an NPI, a role, and what they state. */
    public record Approval(String approverNpi, AuthorRole role, String statement) {
    }

    /** What an approval did. */
    public enum Outcome { APPROVED, NOT_FOUND, NOT_AWAITING, REFUSED }

    /** The outcome, and for {@code REFUSED} the fields that made it so. */
    public record Result(Outcome outcome, int released, List<FieldError> errors) {
    }

    /** Reads an approval request body, reporting every invalid field; null when invalid. */
    public static Approval parse(com.fasterxml.jackson.databind.JsonNode body, List<FieldError> errors) {
        return dev.chartbridge.core.intake.EventParser.approval(body, errors);
    }

    public Result approve(String tenantId, String actor, UUID eventId, Approval approval) {
        return jdbc.inTransaction(c -> {
            String authorNpi;
            try (PreparedStatement ps = c.prepareStatement("SELECT body->'author'->>'npi' FROM clinical_event"
                    + " WHERE id = ? AND tenant_id = ? FOR UPDATE")) {
                ps.setObject(1, eventId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Result(Outcome.NOT_FOUND, 0, List.of());
                    }
                    authorNpi = rs.getString(1);
                }
            }
            List<FieldError> errors = new ArrayList<>();
            if (approval.approverNpi().equals(authorNpi)) {
                errors.add(new FieldError("/approverNpi", "must be a clinician other than the author"));
            }
            if (!approval.role().mayOrderMedication()) {
                errors.add(new FieldError("/role", "a " + approval.role().wireName() + " may not approve a medication"
                        + " change"));
            }
            if (!errors.isEmpty()) {
                AuditLog.append(c, tenantId, actor, "approval.refused", eventId, null, detail(approval, errors));
                return new Result(Outcome.REFUSED, 0, errors);
            }
            int released = release(c, eventId);
            if (released == 0) {
                return new Result(Outcome.NOT_AWAITING, 0, List.of());
            }
            AuditLog.append(c, tenantId, actor, "event.approved", eventId, null, detail(approval, List.of()));
            return new Result(Outcome.APPROVED, released, List.of());
        });
    }

    private static int release(Connection c, UUID eventId) throws SQLException {
        int released = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE write_operation SET state = ?, updated_at = now()"
                + " WHERE event_id = ? AND state = ? RETURNING id, tenant_id || '/' || target, tenant_id")) {
            ps.setString(1, OperationState.DUE.name());
            ps.setObject(2, eventId);
            ps.setString(3, OperationState.AWAITING_APPROVAL.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID operationId = rs.getObject(1, UUID.class);
                    Outbox.enqueue(c, operationId, rs.getString(2));
                    WebhookNotices.operationChanged(c, rs.getString(3), operationId, WebhookNotices.STATE_CHANGED,
                            Map.of());
                    released++;
                }
            }
        }
        return released;
    }

    private static String detail(Approval a, List<FieldError> errors) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("approverNpi", a.approverNpi());
        d.put("role", a.role().wireName());
        d.put("statement", a.statement());
        if (!errors.isEmpty()) {
            var list = d.putArray("refusedBecause");
            errors.forEach(e -> list.add(e.pointer() + " " + e.detail()));
        }
        return Json.canonical(d);
    }
}
