package dev.chartbridge.ehr.profile;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * What one EHR vendor takes and how, as data (resource {@code profiles/<vendor>.yaml}): per canonical event type
 * the call that writes it or why it cannot be written, the means of finding an earlier write, versioning,
 * authentication and rate limits. Adapters plan from it, the capability matrix and {@code docs/mapping-matrix.md}
 * are generated from it, and a test checks its FHIR claims against the vendor's published CapabilityStatement.
 * Immutable.
 *
 * @param events keyed by the event type's wire name ({@code vitals}, {@code medication-change} ...)
 */
public record VendorProfile(String vendor, String name, String source, Auth auth, RateLimit rateLimit,
                            String versioning, List<String> dedupe, Map<String, EventSupport> events,
                            List<String> quirks, String noUpdates) {

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

    @JsonProperty("dedupe")
    public List<String> dedupe() {
        return dedupe == null ? List.of() : dedupe;
    }
}
