package dev.chartbridge.core.intake;

import dev.chartbridge.core.audit.AuditLog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Puts on an AI-assisted event's record, per target that is sent no Provenance (its EHR keeps none), that the
 * provenance is kept in the gateway's audit trail only, and why: one {@code provenance.kept-locally} entry per
 * such target, in the intake transaction. Stateless.
 */
final class ProvenanceNotes {
    static final String ACTOR = "gateway:provenance";

    private ProvenanceNotes() {
    }

    static void keptLocally(Connection c, String tenantId, UUID eventId, List<IntakeStore.PlannedTarget> plan)
            throws SQLException {
        for (IntakeStore.PlannedTarget p : plan) {
            String why = p.writes().provenanceKeptLocally();
            if (why != null) {
                AuditLog.append(c, tenantId, ACTOR, "provenance.kept-locally", eventId, null, Json.canonical(
                        Json.MAPPER.createObjectNode().put("target", p.target().name())
                                .put("vendor", p.target().adapter().vendor()).put("reason", why)));
            }
        }
    }
}
