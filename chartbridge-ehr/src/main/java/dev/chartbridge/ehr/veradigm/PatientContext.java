package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.PatientMatches;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the Unity patient of an event by MRN ({@code SearchPatients}, keeping only rows whose MRN is exactly the
 * event's: the search also matches name prefixes) and checks the event's encounter ({@code GetEncounterList}: it
 * must be this patient's and open). Exactly one patient must match, and matches are cached for two minutes
 * ({@link PatientMatches}). Thread-safe.
 */
final class PatientContext {
    private final UnityClient client;
    private final PatientMatches matches;

    PatientContext(UnityClient client, String mrnSystem, Clock clock) {
        this.client = client;
        this.matches = new PatientMatches(mrnSystem, clock);
    }

    /** Ids, or why not: a {@code refusal} is final; otherwise the lookup failed and may be tried again. */
    record Resolved(String patientId, String encounterId, VendorError error, boolean refusal, UnityClient.Call failed) {
        static Resolved refused(VendorError error) {
            return new Resolved(null, null, error, true, null);
        }

        static Resolved refused(String code, String why) {
            return refused(PatientMatches.refusal(code, why));
        }
    }

    Resolved resolve(ClinicalEvent event, boolean checkEncounter) {
        Identifier mrn = matches.mrn(event);
        if (mrn == null) {
            return Resolved.refused(matches.noIdentifier());
        }
        String patientId = matches.patient(mrn);
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
            VendorError notOne = PatientMatches.unlessOne(ids.size(), "Unity", "the MRN", mrn);
            if (notOne != null) {
                return Resolved.refused(notOne);
            }
            patientId = ids.get(0);
            matches.matched(mrn, patientId);
        }
        Identifier encounter = event.encounterIdentifier();
        if (encounter == null || !checkEncounter) {
            return new Resolved(patientId, encounter == null ? null : encounter.value(), null, false, null);
        }
        if (matches.open(patientId, encounter)) {
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
        matches.foundOpen(patientId, encounter);
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

    private static Resolved failed(UnityClient.Call call) {
        VendorError error = UnityOutcomes.error(call);
        boolean refusal = error.errorClass() == ErrorClass.NOT_FOUND || error.errorClass() == ErrorClass.INVALID
                || error.errorClass() == ErrorClass.FORBIDDEN;
        return new Resolved(null, null, error, refusal, call);
    }
}
