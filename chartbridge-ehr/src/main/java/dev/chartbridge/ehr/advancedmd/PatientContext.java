package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import org.w3c.dom.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the AdvancedMD patient of an event by chart number ({@code lookuppatient}) and checks the event's visit
 * ({@code getpatientvisits}: the visit must be this patient's and open). Exactly one patient must match: none or
 * several is a refusal, never a guess, and patients are never created. Matches are cached for two minutes (each
 * lookup spends the office key's quota). Error texts name identifier systems, never values. Thread-safe.
 */
final class PatientContext {
    private static final Duration TTL = Duration.ofMinutes(2);

    private final PpmdClient client;
    private final String mrnSystem;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    PatientContext(PpmdClient client, String mrnSystem, Clock clock) {
        this.client = client;
        this.mrnSystem = mrnSystem;
        this.clock = clock;
    }

    /**
     * The patient id and (when asked for) the visit id, or why not: a {@code refusal} is final (no such patient,
     * several, a closed visit); otherwise the lookup itself failed and may be tried again.
     */
    record Resolved(String patientId, String visitId, VendorError error, boolean refusal, PpmdClient.Call failed) {
        static Resolved refused(String code, String why) {
            return new Resolved(null, null, new VendorError(ErrorClass.INVALID, code, why), true, null);
        }
    }

    private record Cached(String id, Instant expires) {
    }

    Resolved resolve(ClinicalEvent event, boolean needsVisit) {
        Identifier mrn = mrnSystem == null ? event.primaryPatientIdentifier() : event.patientIdentifiers().stream()
                .filter(i -> i.system().equals(mrnSystem)).findFirst().orElse(null);
        if (mrn == null) {
            return Resolved.refused("no-identifier", "the event has no patient identifier of system " + mrnSystem);
        }
        String patientId = cached("patient|" + mrn.value());
        if (patientId == null) {
            PpmdClient.Call call = client.call(PpmdXml.message("lookuppatient", "api",
                    Map.of("chartnumber", mrn.value()), Map.of()));
            Document doc = answer(call);
            if (doc == null) {
                return failed(call);
            }
            List<Map<String, String>> matches = PpmdXml.rows(doc, "patient").stream()
                    .filter(r -> mrn.value().equals(r.get("chart"))).toList();
            if (matches.size() != 1) {
                return Resolved.refused(matches.isEmpty() ? "not-found" : "ambiguous", (matches.isEmpty()
                        ? "no AdvancedMD patient has the chart number" : matches.size()
                        + " AdvancedMD patients have the chart number; refusing to guess")
                        + " (system " + mrn.system() + ")");
            }
            patientId = matches.get(0).get("id");
            cache.put("patient|" + mrn.value(), new Cached(patientId, clock.instant().plus(TTL)));
        }
        if (!needsVisit || event.encounterIdentifier() == null) {
            return new Resolved(patientId, null, null, false, null);
        }
        return visit(patientId, event.encounterIdentifier());
    }

    private Resolved visit(String patientId, Identifier encounter) {
        String key = "visit|" + patientId + "|" + encounter.value();
        if (cached(key) != null) {
            return new Resolved(patientId, encounter.value(), null, false, null);
        }
        PpmdClient.Call call = client.call(PpmdXml.message("getpatientvisits", "api",
                Map.of("patientid", patientId), Map.of()));
        Document doc = answer(call);
        if (doc == null) {
            return failed(call);
        }
        Map<String, String> visit = PpmdXml.rows(doc, "visit").stream()
                .filter(r -> encounter.value().equals(r.get("id"))).findFirst().orElse(null);
        if (visit == null) {
            return Resolved.refused("not-found", "the encounter is not an AdvancedMD visit of this patient (system "
                    + encounter.system() + ")");
        }
        if (!"open".equalsIgnoreCase(visit.get("status"))) {
            return Resolved.refused("visit-closed", "the AdvancedMD visit is not open (system "
                    + encounter.system() + ")");
        }
        cache.put(key, new Cached(encounter.value(), clock.instant().plus(TTL)));
        return new Resolved(patientId, encounter.value(), null, false, null);
    }

    private String cached(String key) {
        Cached hit = cache.get(key);
        return hit != null && hit.expires().isAfter(clock.instant()) ? hit.id() : null;
    }

    private static Document answer(PpmdClient.Call call) {
        return call instanceof PpmdClient.Sent s && s.reply() instanceof PpmdTransport.Answer a && a.success()
                ? a.doc() : null;
    }

    private static Resolved failed(PpmdClient.Call call) {
        VendorError error = PpmdOutcomes.error(call);
        boolean refusal = error.errorClass() == ErrorClass.NOT_FOUND || error.errorClass() == ErrorClass.INVALID;
        return new Resolved(null, null, error, refusal, call);
    }
}
