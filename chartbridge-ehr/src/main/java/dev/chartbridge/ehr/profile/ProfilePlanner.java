package dev.chartbridge.ehr.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.VitalsPayload;
import dev.chartbridge.core.json.Json;

import java.util.Collections;

/**
 * Decides at intake, from a vendor profile alone, whether a target takes an event: the event type must be
 * supported, an encounter given where the vendor requires one, and each constrained field within what the vendor
 * accepts. An AI-assisted event gets a Provenance part after its writes where the profile says the vendor keeps
 * one. Stateless and thread-safe.
 */
public final class ProfilePlanner {
    private ProfilePlanner() {
    }

    /** @param kind what one part becomes (a FHIR resource type or the vendor's record kind) */
    public static WritePlan plan(VendorProfile profile, ClinicalEvent event, String kind) {
        VendorProfile.EventSupport support = profile.support(event.type().wireName());
        if (!support.supported()) {
            return WritePlan.refused(support.unsupported());
        }
        if (support.needsEncounter() && event.encounterIdentifier() == null) {
            return WritePlan.refused("an encounter is required (/encounter)");
        }
        // The event as a JSON tree only when a constraint needs it: planning runs on every intake.
        JsonNode eventJson = support.constraintsOrEmpty().isEmpty() ? null : tree(event);
        for (VendorProfile.Constraint c : support.constraintsOrEmpty()) {
            JsonNode value = eventJson.at(c.field());
            if (!value.isMissingNode() && !c.allowed().contains(value.asText())) {
                return WritePlan.refused(c.reason() + " (" + c.field() + " is '" + value.asText() + "')");
            }
        }
        int parts = event.payload() instanceof VitalsPayload v ? v.measurements().size() : 1;
        WritePlan plan = WritePlan.of(Collections.nCopies(parts, kind));
        return event.provenance().aiAssisted() ? profile.provenance().applyTo(plan) : plan;
    }

    /**
     * Whether a target of this profile can change the record an earlier event of the type wrote: the profile must
     * describe an update of the type, and the new content must pass the same checks as a create.
     */
    public static WritePlan planUpdate(VendorProfile profile, ClinicalEvent event, String kind) {
        String refusal = profile.updateRefusal(event.type().wireName());
        if (refusal != null) {
            return WritePlan.refused(refusal);
        }
        WritePlan plan = plan(profile, event, kind);
        return plan.isRefused() ? plan : WritePlan.of(java.util.List.of(kind));
    }

    /** The typed event as a JSON tree (payload fields keep their wire names), for constraint checks by pointer. */
    static JsonNode tree(ClinicalEvent event) {
        return Json.MAPPER.valueToTree(event);
    }
}
