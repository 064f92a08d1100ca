package dev.chartbridge.core.intake;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.json.Json;

/**
 * The gateway's identity of one write: a hash of tenant, patient, encounter, event type, occurrence time and the
 * canonical payload, plus target and part. Two submissions of the same clinical content map to the same key,
 * whatever their idempotency keys, which is what lets the database refuse a duplicate write.
 */
final class OperationKey {
    private OperationKey() {
    }

    /** @param payload the canonical text of the event's payload */
    static String contentBase(String tenantId, ClinicalEvent event, String payload) {
        Identifier encounter = event.encounterIdentifier();
        String base = String.join("\n", tenantId, event.type().wireName(), event.primaryPatientIdentifier().token(),
                encounter == null ? "-" : encounter.token(), event.occurredAt().toString(),
                payload);
        // An amendment is its own write even when it restates the amended content (e.g. a reverted status).
        return event.isAmendment() ? base + "\namends " + event.amends() : base;
    }

    /**
     * The patient line an operation joins: tenant, target and the patient's primary identifier, hashed so the
     * queue never holds the identifier itself.
     */
    static String orderKey(String tenantId, ClinicalEvent event, String target) {
        return Json.sha256(String.join("\n", "order", tenantId, target, event.primaryPatientIdentifier().token()));
    }

    static String of(String contentBase, String target, int part) {
        return Json.sha256(contentBase + "\n" + target + "\n" + part).substring(0, 40);
    }
}
