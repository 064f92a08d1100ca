package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the Unity patient of an event by MRN ({@code SearchPatients}, keeping only rows whose MRN is exactly the
 * event's: the search also matches name prefixes) and checks the event's encounter ({@code GetEncounterList}: it
 * must be this patient's and open). None or several patients is a refusal, never a guess; patients are never
 * created. Matches are cached for two minutes. Error texts name identifier systems, never values. Thread-safe.
 */
final class PatientContext {
    private static final Duration TTL = Duration.ofMinutes(2);

    private final UnityClient client;
    private final String mrnSystem;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    PatientContext(UnityClient client, String mrnSystem, Clock clock) {
        this.client = client;
        this.mrnSystem = mrnSystem;
        this.clock = clock;
    }

    /** Ids, or why not: a {@code refusal} is final; otherwise the lookup failed and may be tried again. */
    record Resolved(String patientId, String encounterId, VendorError error, boolean refusal, UnityClient.Call failed) {
        static Resolved refused(String code, String why) {
            return new Resolved(null, null, new VendorError(ErrorClass.INVALID, code, why), true, null);
        }
    }

    private record Cached(String id, Instant expires) {
    }

    Resolved resolve(ClinicalEvent event, boolean checkEncounter) {
        Identifier mrn = mrnSystem == null ? event.primaryPatientIdentifier() : event.patientIdentifiers().stream()
                .filter(i -> i.system().equals(mrnSystem)).findFirst().orElse(null);
        if (mrn == null) {
            return Resolved.refused("no-identifier", "the event has no patient identifier of system " + mrnSystem);
        }
        String patientId = cached("patient|" + mrn.value());
        if (patientId == null) {
            UnityClient.Call call = client.magic("SearchPatients", "", List.of(mrn.value()), null);
            JsonNode rows = rows(call);
            if (rows == null) {
                return failed(call);
            }
            List<String> ids = new ArrayList<>();
            rows.forEach(r -> {
                if (mrn.value().equals(r.path("MRN").asText())) {
                    ids.add(r.path("ID").asText());
                }
            });
            if (ids.size() != 1) {
                return Resolved.refused(ids.isEmpty() ? "not-found" : "ambiguous", (ids.isEmpty()
                        ? "no Unity patient has the MRN" : ids.size() + " Unity patients have the MRN; refusing to guess")
                        + " (system " + mrn.system() + ")");
            }
            patientId = ids.get(0);
            cache.put("patient|" + mrn.value(), new Cached(patientId, clock.instant().plus(TTL)));
        }
        Identifier encounter = event.encounterIdentifier();
        if (encounter == null || !checkEncounter) {
            return new Resolved(patientId, encounter == null ? null : encounter.value(), null, false, null);
        }
        String key = "encounter|" + patientId + "|" + encounter.value();
        if (cached(key) != null) {
            return new Resolved(patientId, encounter.value(), null, false, null);
        }
        UnityClient.Call call = client.magic("GetEncounterList", patientId, List.of(), null);
        JsonNode rows = rows(call);
        if (rows == null) {
            return failed(call);
        }
        JsonNode found = null;
        for (JsonNode r : rows) {
            if (encounter.value().equals(r.path("ID").asText())) {
                found = r;
            }
        }
        if (found == null) {
            return Resolved.refused("not-found", "the encounter is not a Unity encounter of this patient (system "
                    + encounter.system() + ")");
        }
        if (!"open".equalsIgnoreCase(found.path("EncounterStatus").asText())) {
            return Resolved.refused("encounter-closed", "the Unity encounter is not open (system "
                    + encounter.system() + ")");
        }
        cache.put(key, new Cached(encounter.value(), clock.instant().plus(TTL)));
        return new Resolved(patientId, encounter.value(), null, false, null);
    }

    /** The rows of a successful Magic answer ({@code [{"<action>info": [rows]}]}), or null. */
    static JsonNode rows(UnityClient.Call call) {
        if (call instanceof UnityClient.Sent s && s.reply() instanceof UnityTransport.Answer a && a.status() == 200
                && a.json() != null && a.json().isArray() && a.unityError() == null) {
            JsonNode first = a.json().isEmpty() ? null : a.json().get(0);
            if (first == null) {
                return a.json();
            }
            var fields = first.fields();
            return fields.hasNext() ? fields.next().getValue() : a.json();
        }
        return null;
    }

    private String cached(String key) {
        Cached hit = cache.get(key);
        return hit != null && hit.expires().isAfter(clock.instant()) ? hit.id() : null;
    }

    private static Resolved failed(UnityClient.Call call) {
        VendorError error = UnityOutcomes.error(call);
        boolean refusal = error.errorClass() == ErrorClass.NOT_FOUND || error.errorClass() == ErrorClass.INVALID
                || error.errorClass() == ErrorClass.FORBIDDEN;
        return new Resolved(null, null, error, refusal, call);
    }
}
