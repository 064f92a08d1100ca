package dev.chartbridge.ehr.profile;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.chartbridge.core.adapter.WritePlan;

import java.util.List;
import java.util.Map;

/**
 * What one EHR vendor takes and how, as data (resource {@code profiles/<vendor>.yaml}): per canonical event type
 * the call that writes it or why it cannot be written, the means of finding an earlier write, versioning,
 * authentication and rate limits. Adapters plan from it, the capability matrix and {@code docs/mapping-matrix.md}
 * are generated from it, and a test checks its FHIR claims against the vendor's published CapabilityStatement.
 * Immutable.
 *
 * @param events     keyed by the event type's wire name ({@code vitals}, {@code medication-change} ...)
 * @param provenance whether the vendor keeps the provenance of AI-assisted content the gateway sends
 */
public record VendorProfile(String vendor, String name, String source, Auth auth, RateLimit rateLimit,
                            String versioning, List<String> dedupe, Map<String, EventSupport> events,
                            List<String> quirks, String noUpdates, ProvenanceSupport provenance) {

    /** {@code versioning: etag}: updates carry {@code If-Match: W/"<version>"}; otherwise read, compare, write. */
    public boolean versionsRecords() {
        return "etag".equals(versioning);
    }

    /** How the gateway authenticates to the vendor. */
    public record Auth(String method, Integer tokenLifetimeSeconds, Integer tokenRequestsPerMinute,
                       String scopeStyle) {
    }

    /** The vendor's documented call budget. */
    public record RateLimit(Integer callsPerMinute, boolean countsTokenCalls, boolean retryAfter) {
    }

    /**
     * How one event type is written, or {@code unsupported} with the reason.
     *
     * @param api        {@code FHIR}, {@code FHIR-contracted} or {@code proprietary}
     * @param call       the vendor interaction, e.g. {@code Observation.create} or {@code POST /v1/.../problems}
     * @param resource   the FHIR resource type written, for FHIR APIs
     * @param readBack   {@code immediate} (default) or {@code holding-tank} (readable only after the EHR releases it)
     * @param update     how a record of this type written earlier is changed (amendments, compensation); null when
     *                   the profile describes none
     */
    public record EventSupport(String unsupported, String api, String call, String resource, Boolean requiresEncounter,
                               Boolean requiresOpenEncounter, String readBack, List<Constraint> constraints,
                               UpdateSupport update) {
        public boolean supported() {
            return unsupported == null;
        }

        public boolean needsEncounter() {
            return Boolean.TRUE.equals(requiresEncounter) || Boolean.TRUE.equals(requiresOpenEncounter);
        }

        public List<Constraint> constraintsOrEmpty() {
            return constraints == null ? List.of() : constraints;
        }
    }

    /** The vendor interaction that updates a record ({@code call}), or {@code unsupported} with the reason. */
    public record UpdateSupport(String call, String unsupported) {
        public boolean supported() {
            return unsupported == null && call != null;
        }
    }

    /**
     * What the vendor keeps of an AI-assisted event's provenance (model, prompt, transcript, the clinician's
     * edits and attestation): {@code fhir-resource}, a FHIR Provenance sent through {@code call} after the writes
     * it describes, or {@code local-only}, kept in the gateway's audit trail (and its FHIR export) only, for
     * {@code reason}.
     */
    public record ProvenanceSupport(String handling, String call, String reason) {
        public static final String FHIR_RESOURCE = "fhir-resource";
        public static final String LOCAL_ONLY = "local-only";

        public boolean sent() {
            return FHIR_RESOURCE.equals(handling);
        }

        /** An AI-assisted event's plan with its Provenance part, or noting why there is none. */
        public WritePlan applyTo(WritePlan plan) {
            return sent() ? plan.withProvenance() : plan.keepingProvenanceLocally(reason);
        }
    }

    /** A value the vendor restricts: the field (JSON Pointer into the canonical event) must be one of {@code allowed}. */
    public record Constraint(String field, List<String> allowed, String reason) {
    }

    /** The support entry for an event type; an absent entry means unsupported. */
    public EventSupport support(String eventType) {
        EventSupport s = events.get(eventType);
        return s != null ? s : new EventSupport("not described in the " + vendor + " profile", null, null, null,
                null, null, null, null, null);
    }

    /** Null when records of {@code eventType} can be updated, else why not. */
    public String updateRefusal(String eventType) {
        EventSupport s = support(eventType);
        if (!s.supported()) {
            return s.unsupported();
        }
        if (noUpdates != null) {
            return noUpdates;
        }
        if (s.update() == null) {
            return "the " + vendor + " profile describes no update of " + eventType + " records";
        }
        return s.update().supported() ? null : s.update().unsupported();
    }

    /** The provenance entry; a profile without one keeps provenance locally. */
    @Override
    public ProvenanceSupport provenance() {
        return provenance != null ? provenance : new ProvenanceSupport(ProvenanceSupport.LOCAL_ONLY, null,
                "not described in the " + vendor + " profile");
    }

    @JsonProperty("dedupe")
    public List<String> dedupe() {
        return dedupe == null ? List.of() : dedupe;
    }
}
