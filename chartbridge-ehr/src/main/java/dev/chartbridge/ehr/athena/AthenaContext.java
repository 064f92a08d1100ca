package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.auth.AuthException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds athena's patient for an event by MRN ({@code GET /patients?mrn=}) and checks its encounter
 * ({@code GET /chart/encounter/{id}}): the encounter must exist, belong to that patient and, where the write
 * needs it, be open. Exactly one patient must carry the MRN: none or several is a refusal, never a guess, and
 * patients are never created (athena's {@code POST /patients} best-matches an existing patient, a wrong-patient
 * risk). Only rows whose {@code mrn} equals the value count, so an API that ignored the filter could not hand
 * back someone else. Answers are cached briefly. Error texts name identifier systems, never values. Thread-safe.
 */
final class AthenaContext {
    private static final Duration PATIENT_TTL = Duration.ofMinutes(2);
    private static final Duration ENCOUNTER_TTL = Duration.ofSeconds(30);
    /** Above this many entries, expired ones are dropped before a new one is added. */
    private static final int PURGE_ABOVE = 10_000;

    private final AthenaApi api;
    private final AthenaSettings settings;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    AthenaContext(AthenaApi api, AthenaSettings settings, Clock clock) {
        this.api = api;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Resolved athena ids, or why not.
     *
     * @param refused true when the event itself cannot be written (unknown or ambiguous patient, closed or foreign
     *                encounter); false when the lookup failed and may succeed later
     */
    record Resolved(String patientId, String encounterId, VendorError error, boolean refused, Exchange exchange) {
        static Resolved refusal(String code, String message, Exchange ex) {
            return new Resolved(null, null, new VendorError(ErrorClass.INVALID, code, message), true, ex);
        }
    }

    private record Cached(String value, Instant expires) {
    }

    Resolved resolve(ClinicalEvent event, boolean needsOpenEncounter) {
        Identifier mrn = mrn(event);
        if (mrn == null) {
            return Resolved.refusal("no-mrn", "the event has no patient identifier of system " + settings.mrnSystem(),
                    Exchange.none());
        }
        Resolved patient = patient(mrn);
        if (patient.error() != null) {
            return patient;
        }
        Identifier enc = event.encounterIdentifier();
        if (enc == null || !settings.encounterSystem().equals(enc.system())) {
            return patient;
        }
        return encounter(patient.patientId(), enc, needsOpenEncounter);
    }

    /** The identifier whose value is athena's MRN: of the configured system, else the event's first. */
    Identifier mrn(ClinicalEvent event) {
        if (settings.mrnSystem() == null) {
            return event.primaryPatientIdentifier();
        }
        return event.patientIdentifiers().stream().filter(i -> settings.mrnSystem().equals(i.system())).findFirst()
                .orElse(null);
    }

    private Resolved patient(Identifier mrn) {
        String key = "patient|" + mrn.value();
        Cached hit = cache.get(key);
        if (hit != null && hit.expires().isAfter(clock.instant())) {
            return new Resolved(hit.value(), null, null, false, Exchange.none());
        }
        Exchange ex = new Exchange("GET /patients?mrn", null, 0);
        AthenaApi.Answer a;
        try {
            a = api.get("/patients?mrn=" + AthenaApi.query(mrn.value()));
        } catch (AuthException e) {
            return new Resolved(null, null, AthenaOutcomes.ofAuth(e), false, ex);
        } catch (IOException e) {
            return new Resolved(null, null, AthenaOutcomes.ofFailure(e), false, ex);
        }
        Exchange answered = new Exchange(ex.request(), null, a.status());
        if (a.status() != 200 || a.body() == null) {
            return failed(a, answered);
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode p : a.body().path("patients")) {
            if (mrn.value().equals(p.path("mrn").asText(null))) {
                ids.add(p.path("patientid").asText());
            }
        }
        if (ids.size() != 1) {
            return Resolved.refusal(ids.isEmpty() ? "not-found" : "ambiguous", (ids.isEmpty()
                    ? "no athenahealth patient has the MRN"
                    : ids.size() + " athenahealth patients share the MRN; refusing to guess")
                    + " (system " + mrn.system() + ")", answered);
        }
        remember(key, ids.get(0), PATIENT_TTL);
        return new Resolved(ids.get(0), null, null, false, answered);
    }

    private Resolved encounter(String patientId, Identifier enc, boolean needsOpen) {
        if (!enc.value().matches("\\d{1,18}")) {
            return Resolved.refusal("invalid-encounter", "the encounter identifier of system " + enc.system()
                    + " is not an athenahealth encounter id", Exchange.none());
        }
        String key = "encounter|" + enc.value();
        Cached hit = cache.get(key);
        String owner;
        String status;
        Exchange ex = Exchange.none();
        if (hit != null && hit.expires().isAfter(clock.instant())) {
            owner = hit.value().split("\\|")[0];
            status = hit.value().split("\\|")[1];
        } else {
            ex = new Exchange("GET /chart/encounter/{id}", null, 0);
            AthenaApi.Answer a;
            try {
                a = api.get("/chart/encounter/" + enc.value());
            } catch (AuthException e) {
                return new Resolved(null, null, AthenaOutcomes.ofAuth(e), false, ex);
            } catch (IOException e) {
                return new Resolved(null, null, AthenaOutcomes.ofFailure(e), false, ex);
            }
            ex = new Exchange(ex.request(), null, a.status());
            if (a.status() == 404) {
                return Resolved.refusal("not-found", "no athenahealth encounter has the encounter identifier (system "
                        + enc.system() + ")", ex);
            }
            JsonNode row = a.body() == null ? null : a.body().isArray() ? a.body().path(0) : a.body();
            if (a.status() != 200 || row == null || !row.hasNonNull("patientid")) {
                return failed(a, ex);
            }
            owner = row.path("patientid").asText();
            status = row.path("status").asText("");
            remember(key, owner + "|" + status, ENCOUNTER_TTL);
        }
        if (!owner.equals(patientId)) {
            return Resolved.refusal("encounter-patient-mismatch", "the encounter (system " + enc.system()
                    + ") belongs to another athenahealth patient than the MRN", ex);
        }
        if (needsOpen && !"OPEN".equals(status)) {
            return Resolved.refusal("encounter-closed", "the encounter (system " + enc.system() + ") is "
                    + (status.isEmpty() ? "not open" : status.toLowerCase()) + "; athenahealth adds vitals to open"
                    + " encounters only", ex);
        }
        return new Resolved(patientId, enc.value(), null, false, ex);
    }

    private void remember(String key, String value, Duration ttl) {
        Instant now = clock.instant();
        if (cache.size() > PURGE_ABOVE) {
            cache.values().removeIf(c -> !c.expires().isAfter(now));
        }
        cache.put(key, new Cached(value, now.plus(ttl)));
    }

    private static Resolved failed(AthenaApi.Answer a, Exchange ex) {
        VendorError error = AthenaOutcomes.error(a);
        boolean refused = error.errorClass() == ErrorClass.FORBIDDEN || error.errorClass() == ErrorClass.INVALID;
        return new Resolved(null, null, error, refused, ex);
    }
}
