package dev.chartbridge.core.intake;

import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.json.Json;

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

    /** Adds the entries to the acceptance's audit entries (written with the event, see AcceptedEvents). */
    static void keptLocally(AuditLog.Entries entries, String tenantId, UUID eventId,
                            List<IntakeStore.PlannedTarget> plan) {
        for (IntakeStore.PlannedTarget p : plan) {
            String why = p.writes().provenanceKeptLocally();
            if (why != null) {
                entries.add(tenantId, ACTOR, "provenance.kept-locally", eventId, null, Json.canonical(
                        Json.MAPPER.createObjectNode().put("target", p.target().name())
                                .put("vendor", p.target().adapter().vendor()).put("reason", why)));
            }
        }
    }
}
