package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import org.hl7.fhir.r4.model.Bundle;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the EHR's patient and encounter for an event by identifier. Exactly one match is required: none or
 * several is a refusal, never a guess, and patients are never created. Matches are cached briefly. The error
 * texts name the identifier system only, never the value (no PHI in logs or ledgers). Thread-safe.
 */
final class ContextResolver {
    private static final Duration TTL = Duration.ofMinutes(2);

    private final FhirServer server;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ContextResolver(FhirServer server) {
        this.server = server;
    }

    /** Resolved logical ids, or the reason they could not be resolved. */
    record Resolved(String patientId, String encounterId, VendorError error, Exchange exchange) {
    }

    private record Cached(String id, Instant expires) {
    }

    Resolved resolve(ClinicalEvent event) {
        Identifier patient = event.primaryPatientIdentifier();
        Lookup p = lookup("Patient", patient);
        if (p.error != null) {
            return new Resolved(null, null, p.error, p.exchange);
        }
        String encounterId = null;
        if (event.encounterIdentifier() != null) {
            Lookup e = lookup("Encounter", event.encounterIdentifier());
            if (e.error != null) {
                return new Resolved(null, null, e.error, e.exchange);
            }
            encounterId = e.id;
        }
        return new Resolved(p.id, encounterId, null, Exchange.none());
    }

    private record Lookup(String id, VendorError error, Exchange exchange) {
    }

    private Lookup lookup(String type, Identifier identifier) {
        String key = type + "|" + identifier.token();
        Cached hit = cache.get(key);
        if (hit != null && hit.expires().isAfter(Instant.now())) {
            return new Lookup(hit.id(), null, Exchange.none());
        }
        Exchange ex = new Exchange("GET " + type + "?identifier", null, 0);
        try {
            Bundle b = server.client().search().forResource(type)
                    .where(new TokenClientParam("identifier").exactly()
                            .systemAndCode(identifier.system(), identifier.value()))
                    .returnBundle(Bundle.class).execute();
            Exchange ok = new Exchange(ex.request(), null, 200);
            if (b.getEntry().size() != 1) {
                String why = b.getEntry().isEmpty() ? "no " + type.toLowerCase() + " matches the identifier"
                        : b.getEntry().size() + " " + type.toLowerCase() + "s match the identifier; refusing to guess";
                return new Lookup(null, new VendorError(ErrorClass.INVALID,
                        b.getEntry().isEmpty() ? "not-found" : "ambiguous", why + " (system " + identifier.system() + ")"),
                        ok);
            }
            String id = b.getEntryFirstRep().getResource().getIdElement().getIdPart();
            cache.put(key, new Cached(id, Instant.now().plus(TTL)));
            return new Lookup(id, null, ok);
        } catch (RuntimeException e) {
            return new Lookup(null, FhirOutcomes.error(e), new Exchange(ex.request(), null, FhirOutcomes.status(e)));
        }
    }
}
