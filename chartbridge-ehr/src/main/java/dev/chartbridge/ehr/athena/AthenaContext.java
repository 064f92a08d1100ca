package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.RecentMatches;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds athena's patient for an event and proves the event's encounter is that patient's. athena's
 * {@code GET /patients} has no MRN filter, so the patient is found by the practice's MRN custom field
 * ({@code GET /patients/customfields/{id}/{mrn}}) or the event names athena's patient id; none is a refusal,
 * several go to review with the candidates, nothing is guessed and patients are never created. The encounter read
 * ({@code GET /chart/encounter/{id}}) names no patient, so the binding is proven from the patient's own encounter
 * list ({@code GET /chart/{patientid}/encounters}, paged): an encounter not in it is refused. Answers are cached
 * briefly. Error texts name identifier systems, never values. Thread-safe.
 */
// evidence: athena.patients.no-mrn-filter, athena.patients.never-created, athena.patients.by-custom-field, athena.patients.read, athena.encounter.read, athena.encounters.list
final class AthenaContext {
    private static final Duration PATIENT_TTL = Duration.ofMinutes(2);
    private static final Duration ENCOUNTER_TTL = Duration.ofSeconds(30);

    private final AthenaApi api;
    private final AthenaSettings settings;
    private final RecentMatches<String> cache;

    AthenaContext(AthenaApi api, AthenaSettings settings, Clock clock) {
        this.api = api;
        this.settings = settings;
        this.cache = new RecentMatches<>(clock);
    }

    /**
     * Resolved athena ids, or why not.
     *
     * @param departmentId the department the write is filed and read under: the encounter's, else the default
     * @param review       true when a person must decide (several patients carry the MRN)
     * @param refused      true when the event itself cannot be written; false when the lookup may succeed later
     */
    record Resolved(String patientId, String encounterId, String departmentId, VendorError error, boolean refused,
                    boolean review, Exchange exchange) {
        static Resolved refusal(String code, String message, Exchange ex) {
            return new Resolved(null, null, null, new VendorError(ErrorClass.INVALID, code, message), true, false, ex);
        }

        static Resolved failure(VendorError error, Exchange ex) {
            return new Resolved(null, null, null, error, false, false, ex);
        }
    }

    Resolved resolve(ClinicalEvent event, boolean needsOpenEncounter) {
        Identifier id = patientIdentifier(event);
        if (id == null) {
            return Resolved.refusal("no-patient-identifier", "the event has no patient identifier of system "
                    + expectedSystem(), Exchange.none());
        }
        Resolved patient = settings.patientLookup().equals(AthenaSettings.CUSTOM_FIELD) ? byMrn(id) : byPatientId(id);
        if (patient.error() != null) {
            return patient;
        }
        Identifier enc = event.encounterIdentifier();
        if (enc == null || !settings.encounterSystem().equals(enc.system())) {
            return new Resolved(patient.patientId(), null, settings.departmentId(), null, false, false,
                    patient.exchange());
        }
        return encounter(patient.patientId(), enc, needsOpenEncounter);
    }

    /** The identifier athena's patient is found by: the MRN (custom-field lookup) or athena's patient id. */
    Identifier patientIdentifier(ClinicalEvent event) {
        String system = expectedSystem();
        if (system == null) {
            return event.primaryPatientIdentifier();
        }
        return event.patientIdentifiers().stream().filter(i -> system.equals(i.system())).findFirst().orElse(null);
    }

    private String expectedSystem() {
        return settings.patientLookup().equals(AthenaSettings.CUSTOM_FIELD) ? settings.mrnSystem()
                : settings.patientIdSystem();
    }

    private Resolved byMrn(Identifier mrn) {
        String key = "mrn|" + mrn.value();
        String hit = cached(key);
        if (hit != null) {
            return new Resolved(hit, null, null, null, false, false, Exchange.none());
        }
        Exchange ex = new Exchange("GET /patients/customfields/{customfieldid}/{value}", null, 0);
        AthenaApi.Answer a;
        try {
            a = api.get("/patients/customfields/" + AthenaApi.query(settings.mrnCustomFieldId()) + "/"
                    + AthenaApi.query(mrn.value()).replace("+", "%20"));
        } catch (java.io.IOException e) {
            return Resolved.failure(AthenaOutcomes.ofFailure(e), ex);
        } catch (dev.chartbridge.ehr.auth.AuthException e) {
            return Resolved.failure(AthenaOutcomes.ofAuth(e), ex);
        }
        Exchange answered = new Exchange(ex.request(), null, a.status());
        if (a.status() != 200 || a.body() == null || !a.body().path("patients").isArray()) {
            return failed(a, answered, "the patient lookup by custom field");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode p : a.body().get("patients")) {
            String id = p.path("patientid").asText("");
            if (!id.matches("\\d{1,18}")) {
                return Resolved.failure(unrecognised("a patient row without a patientid"), answered);
            }
            if (holdsField(p, mrn.value()) && !ids.contains(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return Resolved.refusal("not-found", "no athenahealth patient has the MRN in custom field "
                    + settings.mrnCustomFieldId() + " (system " + mrn.system() + ")", answered);
        }
        if (ids.size() > 1) {
            return new Resolved(null, null, null, new VendorError(ErrorClass.CONFLICT, "ambiguous-patient",
                    ids.size() + " athenahealth patients carry the MRN (system " + mrn.system() + "): patient ids "
                            + ids + "; refusing to guess"), false, true, answered);
        }
        remember(key, ids.get(0), PATIENT_TTL);
        return new Resolved(ids.get(0), null, null, null, false, false, answered);
    }

    /**
     * A row from the custom-field search holds the MRN: where it lists its custom fields, the MRN field must carry
     * the value (so a search that ignored the value cannot hand back someone else); where it lists none, the
     * search's own match is all there is.
     */
    // evidence: athena.patients.custom-field-rows
    private boolean holdsField(JsonNode row, String value) {
        JsonNode fields = row.get("customfields");
        if (fields == null || !fields.isArray()) {
            return true;
        }
        for (JsonNode f : fields) {
            if (settings.mrnCustomFieldId().equals(f.path("customfieldid").asText())
                    && value.equals(f.path("customfieldvalue").asText())) {
                return true;
            }
        }
        return false;
    }

    private Resolved byPatientId(Identifier id) {
        if (!id.value().matches("\\d{1,18}")) {
            return Resolved.refusal("invalid-patient", "the patient identifier of system " + id.system()
                    + " is not an athenahealth patient id", Exchange.none());
        }
        String key = "patient|" + id.value();
        if (cached(key) != null) {
            return new Resolved(id.value(), null, null, null, false, false, Exchange.none());
        }
        Exchange ex = new Exchange("GET /patients/{patientid}", null, 0);
        AthenaApi.Answer a;
        try {
            a = api.get("/patients/" + id.value());
        } catch (java.io.IOException e) {
            return Resolved.failure(AthenaOutcomes.ofFailure(e), ex);
        } catch (dev.chartbridge.ehr.auth.AuthException e) {
            return Resolved.failure(AthenaOutcomes.ofAuth(e), ex);
        }
        Exchange answered = new Exchange(ex.request(), null, a.status());
        if (a.status() == 404) {
            return Resolved.refusal("not-found", "no athenahealth patient has the patient id (system "
                    + id.system() + ")", answered);
        }
        JsonNode row = a.body() == null ? null : a.body().isArray() ? a.body().path(0) : a.body();
        if (a.status() != 200 || row == null || !id.value().equals(row.path("patientid").asText())) {
            return failed(a, answered, "the patient read");
        }
        remember(key, id.value(), PATIENT_TTL);
        return new Resolved(id.value(), null, null, null, false, false, answered);
    }

    private Resolved encounter(String patientId, Identifier enc, boolean needsOpen) {
        if (!enc.value().matches("\\d{1,18}")) {
            return Resolved.refusal("invalid-encounter", "the encounter identifier of system " + enc.system()
                    + " is not an athenahealth encounter id", Exchange.none());
        }
        String key = "encounter|" + patientId + "|" + enc.value();
        String hit = cached(key);
        Exchange ex = Exchange.none();
        if (hit == null) {
            AthenaPages.Listed listed = AthenaPages.list(api, "/chart/" + patientId + "/encounters?showallstatuses=true",
                    "encounters", "GET /chart/{patientid}/encounters");
            ex = listed.exchange();
            if (listed.error() != null) {
                return Resolved.failure(listed.error(), ex);
            }
            for (JsonNode row : listed.rows()) {
                if (enc.value().equals(row.path("encounterid").asText())) {
                    hit = row.path("status").asText("") + "|" + row.path("departmentid").asText("");
                }
            }
            if (hit == null) {
                return Resolved.refusal("encounter-patient-mismatch", "the encounter (system " + enc.system()
                        + ") is not among the athenahealth patient's encounters (another patient's, or unknown);"
                        + " nothing was written", ex);
            }
            remember(key, hit, ENCOUNTER_TTL);
        }
        String status = hit.split("\\|", -1)[0];
        String department = hit.split("\\|", -1)[1];
        // evidence: athena.encounter.open-status
        if (needsOpen && !"OPEN".equals(status)) {
            return Resolved.refusal("encounter-closed", "the encounter (system " + enc.system() + ") is "
                    + (status.isEmpty() ? "not open" : status.toLowerCase()) + "; athenahealth adds vitals to open"
                    + " encounters only", ex);
        }
        return new Resolved(patientId, enc.value(), department.isEmpty() ? settings.departmentId() : department,
                null, false, false, ex);
    }

    private String cached(String key) {
        return cache.get(key);
    }

    private void remember(String key, String value, Duration ttl) {
        cache.put(key, value, ttl);
    }

    static VendorError unrecognised(String what) {
        return new VendorError(ErrorClass.UNKNOWN, "unrecognised-answer", "athenahealth answered in a shape the"
                + " adapter does not recognise: " + what);
    }

    private static Resolved failed(AthenaApi.Answer a, Exchange ex, String what) {
        if (a.status() == 200) {
            return Resolved.failure(unrecognised(what), ex);
        }
        VendorError error = AthenaOutcomes.error(a);
        boolean refused = error.errorClass() == ErrorClass.FORBIDDEN || error.errorClass() == ErrorClass.INVALID;
        return new Resolved(null, null, null, error, refused, false, ex);
    }
}
