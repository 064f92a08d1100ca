package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finds the EHR's patient and encounter for an event by identifier. Exactly one match is required: none or
 * several is a refusal, never a guess, and patients are never created. Matches are cached briefly. The error
 * texts name the identifier system only, never the value (no PHI in logs or ledgers). Thread-safe.
 */
public final class ContextResolver {
    private static final Duration TTL = Duration.ofMinutes(2);

    private final FhirServer server;
    private final BearerAuthorization auth;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ContextResolver(FhirServer server) {
        this(server, null);
    }

    /** A resolver whose searches carry {@code auth}'s token and are retried once on a 401. */
    public ContextResolver(FhirServer server, BearerAuthorization auth) {
        this.server = server;
        this.auth = auth;
    }

    /** Resolved logical ids, or the reason they could not be resolved. */
    public record Resolved(String patientId, String encounterId, VendorError error, Exchange exchange,
                           String encounterStatus) {
        Resolved(String patientId, String encounterId, VendorError error, Exchange exchange) {
            this(patientId, encounterId, error, exchange, null);
        }
    }

    private record Cached(String id, String status, Instant expires) {
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
            return new Resolved(null, null, new VendorError(ErrorClass.INVALID, "encounter-not-open",
                    "the encounter is " + (status == null ? "of unknown status" : status) + ", not open (system "
                            + event.encounterIdentifier().system() + ")"), Exchange.none());
        }
        return resolved;
    }

    public Resolved resolve(ClinicalEvent event) {
        Identifier patient = event.primaryPatientIdentifier();
        Lookup p = lookup("Patient", patient);
        if (p.error != null) {
            return new Resolved(null, null, p.error, p.exchange);
        }
        String encounterId = null;
        String encounterStatus = null;
        if (event.encounterIdentifier() != null) {
            Lookup e = lookup("Encounter", event.encounterIdentifier());
            if (e.error != null) {
                return new Resolved(null, null, e.error, e.exchange);
            }
            encounterId = e.id;
            encounterStatus = e.status;
        }
        return new Resolved(p.id, encounterId, null, Exchange.none(), encounterStatus);
    }

    private record Lookup(String id, VendorError error, Exchange exchange, String status) {
        Lookup(String id, VendorError error, Exchange exchange) {
            this(id, error, exchange, null);
        }
    }

    private Lookup lookup(String type, Identifier identifier) {
        String key = type + "|" + identifier.token();
        Cached hit = cache.get(key);
        if (hit != null && hit.expires().isAfter(Instant.now())) {
            return new Lookup(hit.id(), null, Exchange.none(), hit.status());
        }
        Exchange ex = new Exchange("GET " + type + "?identifier", null, 0);
        try {
            Supplier<Bundle> search = () -> server.client().search().forResource(type)
                    .where(new TokenClientParam("identifier").exactly()
                            .systemAndCode(identifier.system(), identifier.value()))
                    .returnBundle(Bundle.class).execute();
            Bundle b = auth == null ? search.get() : auth.call(search);
            Exchange ok = new Exchange(ex.request(), null, 200);
            if (b.getEntry().size() != 1) {
                String why = b.getEntry().isEmpty() ? "no " + type.toLowerCase() + " matches the identifier"
                        : b.getEntry().size() + " " + type.toLowerCase() + "s match the identifier; refusing to guess";
                return new Lookup(null, new VendorError(ErrorClass.INVALID,
                        b.getEntry().isEmpty() ? "not-found" : "ambiguous", why + " (system " + identifier.system() + ")"),
                        ok);
            }
            var match = b.getEntryFirstRep().getResource();
            String id = match.getIdElement().getIdPart();
            String status = match instanceof Encounter enc && enc.hasStatus() ? enc.getStatus().toCode() : null;
            cache.put(key, new Cached(id, status, Instant.now().plus(TTL)));
            return new Lookup(id, null, ok, status);
        } catch (RuntimeException e) {
            return new Lookup(null, FhirOutcomes.error(e), new Exchange(ex.request(), null, FhirOutcomes.status(e)));
        }
    }
}
