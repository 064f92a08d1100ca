package dev.chartbridge.core.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.event.Approval;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    /** What an approval did. */
    public enum Outcome { APPROVED, NOT_FOUND, NOT_AWAITING, REFUSED }

    /** The outcome, and for {@code REFUSED} the fields that made it so. */
    public record Result(Outcome outcome, int released, List<FieldError> errors) {
    }

    /** Reads an approval request body, reporting every invalid field; null when invalid. */
    public static Approval parse(com.fasterxml.jackson.databind.JsonNode body, List<FieldError> errors) {
        return EventParser.approval(body, errors);
    }

    /** An approver whose NPI and role the gateway verified (a signed user assertion), not just the app's word. */
    public record VerifiedApprover(String npi, AuthorRole role) {
    }

    /** An approval whose approver is asserted by the calling app under the tenant's key. */
    public Result approve(String tenantId, String actor, UUID eventId, Approval approval) {
        return approve(tenantId, actor, eventId, approval, null);
    }

    /**
     * @param verified who the gateway verified the approver to be, or null when the tenant takes the app's word;
     *                 when given, the approval's NPI and role must be the verified ones
     */
    public Result approve(String tenantId, String actor, UUID eventId, Approval approval, VerifiedApprover verified) {
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
            List<FieldError> errors = new ArrayList<>(identityErrors(approval, verified));
            if (approval.approverNpi().equals(authorNpi)) {
                errors.add(new FieldError("/approverNpi", "must be a clinician other than the author"));
            }
            if (!approval.role().mayOrderMedication()) {
                errors.add(new FieldError("/role", "a " + approval.role().wireName() + " may not approve a medication"
                        + " change"));
            }
            if (!errors.isEmpty()) {
                AuditLog.append(c, tenantId, actor, "approval.refused", eventId, null,
                        detail(approval, verified, errors));
                return new Result(Outcome.REFUSED, 0, errors);
            }
            int released = release(c, eventId);
            if (released == 0) {
                return new Result(Outcome.NOT_AWAITING, 0, List.of());
            }
            AuditLog.append(c, tenantId, actor, "event.approved", eventId, null, detail(approval, verified, List.of()));
            return new Result(Outcome.APPROVED, released, List.of());
        });
    }

    private static int release(Connection c, UUID eventId) throws SQLException {
        // Queued in part order, as intake queues them: a patient's line then runs a Provenance after its writes.
        List<OperationStates.Moved> released = OperationStates.moveAll(c, eventId, OperationState.AWAITING_APPROVAL,
                OperationState.DUE);
        for (OperationStates.Moved op : released) {
            Outbox.enqueue(c, op.id(), op.queue());
        }
        return released.size();
    }

    private static List<FieldError> identityErrors(Approval approval, VerifiedApprover verified) {
        if (verified == null) {
            return List.of();
        }
        List<FieldError> errors = new ArrayList<>();
        if (verified.npi() == null) {
            errors.add(new FieldError("/approverNpi", "cannot be checked: the verified user has no NPI"));
        } else if (!verified.npi().equals(approval.approverNpi())) {
            errors.add(new FieldError("/approverNpi", "is not the NPI of the verified user"));
        }
        // The approver's role decides who may approve: it is the token's word, never the body's alone (#15).
        if (verified.role() == null) {
            errors.add(new FieldError("/role", "cannot be checked: the verified user's token states no role"));
        } else if (verified.role() != approval.role()) {
            errors.add(new FieldError("/role", "is not the role of the verified user"));
        }
        return errors;
    }

    private static String detail(Approval a, VerifiedApprover verified, List<FieldError> errors) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("approverNpi", a.approverNpi());
        d.put("role", a.role().wireName());
        d.put("identity", verified == null ? "asserted" : "verified");
        d.put("statement", a.statement());
        if (!errors.isEmpty()) {
            var list = d.putArray("refusedBecause");
            errors.forEach(e -> list.add(e.pointer() + " " + e.detail()));
        }
        return Json.canonical(d);
    }
}
