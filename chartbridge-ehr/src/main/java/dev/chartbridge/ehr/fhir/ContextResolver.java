package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.RecentMatches;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Finds the EHR's patient and encounter of an event, and proves they belong together before anything is written.
 * The patient is searched by identifier; exactly one must match: none is a refusal, several go to a human with the
 * candidates (the EHR's ids), never a guess, and patients are never created. The encounter is searched by
 * identifier as the target allows (within the patient where the target requires it, Epic; by the patient alone,
 * matched here by identifier, where the identifier parameter is not declared, eClinicalWorks), and its
 * {@code subject} must be the resolved patient: an encounter of another patient is refused with that reason.
 * Matches are reused for {@link #TTL}: a patient or encounter merged, moved or closed in the EHR is seen by the
 * gateway at the latest that long after. Error texts name the identifier system only, never the value (no PHI in
 * logs or ledgers). Thread-safe.
 */
public final class ContextResolver {
    /** How long a match is reused (documented in docs/fhir-answers.md). */
    public static final Duration TTL = Duration.ofMinutes(2);

    private final Searchset searches;
    private final SearchRules rules;
    private final RecentMatches<Cached> cache;

    ContextResolver(Searchset searches, SearchRules rules, Clock clock) {
        this.searches = searches;
        this.rules = rules;
        this.cache = new RecentMatches<>(clock);
    }

    /**
     * Resolved logical ids, or the reason they could not be resolved.
     *
     * @param retryAfter the wait a failed search's answer asked for, or null
     */
    public record Resolved(String patientId, String encounterId, VendorError error, Exchange exchange,
                           String encounterStatus, Duration retryAfter) {
        static Resolved failed(VendorError error, Exchange exchange, Duration retryAfter) {
            return new Resolved(null, null, error, exchange, null, retryAfter);
        }

        /** What a write does when resolution failed: refused, sent to review, or deferred unsent. */
        public SendOutcome notSent() {
            return FhirOutcomes.lookupFailure(error, exchange, retryAfter);
        }
    }

    private record Cached(String id, String status) {
    }

    /**
     * As {@link #resolve(ClinicalEvent)}, and where {@code openEncounter} is set the event's encounter must be
     * {@code in-progress} (vendors such as Epic file vitals only to an open encounter): anything else is refused
     * before a write is sent.
     */
    public Resolved resolve(ClinicalEvent event, boolean openEncounter) {
        Resolved resolved = resolve(event);
        if (!openEncounter || resolved.error() != null || resolved.encounterId() == null) {
            return resolved;
        }
        String status = resolved.encounterStatus();
        if (!"in-progress".equals(status)) {
            return Resolved.failed(new VendorError(ErrorClass.INVALID, "encounter-not-open",
                    "the encounter is " + (status == null ? "of unknown status" : status) + ", not open (system "
                            + event.encounterIdentifier().system() + ")"), Exchange.none(), null);
        }
        return resolved;
    }

    public Resolved resolve(ClinicalEvent event) {
        Identifier patient = event.primaryPatientIdentifier();
        String patientKey = "Patient|" + patient.token();
        Cached p = cached(patientKey);
        if (p == null) {
            try {
                Searchset.Results found = searches.run(rules.query("Patient").with("identifier", patient.token()));
                List<Resource> matches = found.matches();
                if (matches.size() != 1) {
                    return Resolved.failed(unlessOne(matches, "patient", "the identifier", patient), found.exchange(),
                            null);
                }
                p = remember(patientKey, matches.get(0).getIdElement().getIdPart(), null);
            } catch (Searchset.Failed f) {
                return Resolved.failed(f.error(), f.exchange(), f.retryAfter());
            }
        }
        if (event.encounterIdentifier() == null) {
            return new Resolved(p.id(), null, null, Exchange.none(), null, null);
        }
        return encounter(p.id(), event.encounterIdentifier());
    }

    private Resolved encounter(String patientId, Identifier encounter) {
        String key = "Encounter|" + patientId + "|" + encounter.token();
        Cached hit = cached(key);
        if (hit != null) {
            return new Resolved(patientId, hit.id(), null, Exchange.none(), hit.status(), null);
        }
        // evidence: fhir.search.encounter-subject, epic.search.patient-required, ecw.search.declared
        SearchRules.Query query = rules.query("Encounter").with("identifier", encounter.token());
        if (rules.patientRequired("Encounter") || !query.has("identifier")) {
            query.with("patient", patientId);
        }
        Searchset.Results found;
        try {
            found = searches.run(query);
        } catch (Searchset.Failed f) {
            return Resolved.failed(f.error(), f.exchange(), f.retryAfter());
        }
        List<Encounter> named = found.matches().stream().map(Encounter.class::cast)
                .filter(e -> e.getIdentifier().stream().anyMatch(i -> encounter.system().equals(i.getSystem())
                        && encounter.value().equals(i.getValue()))).toList();
        List<Encounter> own = named.stream().filter(e -> isPatient(e.getSubject().getReference(), patientId))
                .toList();
        if (own.isEmpty() && !named.isEmpty()) {
            return Resolved.failed(new VendorError(ErrorClass.INVALID, "wrong-patient", "the encounter (system "
                    + encounter.system() + ") belongs to another patient than the event's; nothing is written"),
                    found.exchange(), null);
        }
        if (own.size() != 1) {
            String scope = query.has("patient") ? " of this patient" : "";
            return Resolved.failed(unlessOne(own, "encounter" + scope, "the identifier", encounter),
                    found.exchange(), null);
        }
        Encounter match = own.get(0);
        String status = match.hasStatus() ? match.getStatus().toCode() : null;
        Cached c = remember(key, match.getIdElement().getIdPart(), status);
        return new Resolved(patientId, c.id(), null, found.exchange(), status, null);
    }

    /** The refusal when not exactly one record matched; the candidates are named by the EHR's ids. */
    private static VendorError unlessOne(List<? extends Resource> matches, String what, String key, Identifier id) {
        if (matches.isEmpty()) {
            return new VendorError(ErrorClass.INVALID, "not-found", "no " + what + " matches " + key
                    + " (system " + id.system() + ")");
        }
        String candidates = String.join(", ", matches.stream()
                .map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart()).toList());
        return new VendorError(ErrorClass.INVALID, "ambiguous", matches.size() + " records (" + what + ") match "
                + key + " (system " + id.system() + "); refusing to guess between " + candidates);
    }

    /** Whether {@code reference} ({@code Patient/7}, absolute or versioned) names Patient {@code patientId}. */
    static boolean isPatient(String reference, String patientId) {
        if (reference == null) {
            return false;
        }
        IdType id = new IdType(reference);
        return patientId.equals(id.getIdPart()) && (!id.hasResourceType() || "Patient".equals(id.getResourceType()));
    }

    private Cached cached(String key) {
        return cache.get(key);
    }

    private Cached remember(String key, String id, String status) {
        return cache.put(key, new Cached(id, status), TTL);
    }
}
