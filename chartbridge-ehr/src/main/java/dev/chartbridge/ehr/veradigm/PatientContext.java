package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.PatientMatches;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the Unity patient of an event by MRN ({@code GetPatientByMRN}: exactly one row whose {@code mrn} is the
 * event's) and proves the event's encounter belongs to that patient ({@code GetEncounterList}: a row with the
 * encounter's {@code ID} whose {@code PatientID} is the resolved patient). No match or another patient's encounter
 * is a refusal; several patients, or an answer whose shape the gateway does not recognise, go to review: nothing
 * is written on a guess (issue 11). Proven matches are cached for two minutes ({@link PatientMatches}).
 * Thread-safe.
 */
final class PatientContext {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

    private final UnityClient client;
    private final PatientMatches matches;

    PatientContext(UnityClient client, String mrnSystem, Clock clock) {
        this.client = client;
        this.matches = new PatientMatches(mrnSystem, clock);
    }

    /** What the lookup concluded: go on, refuse for good, try again later, or let a human look. */
    enum Verdict { OK, REFUSE, RETRY, REVIEW }

    /** Ids, or why not (with the call that failed, when one did). */
    record Resolved(String patientId, String encounterId, Verdict verdict, VendorError error,
                    UnityClient.Call failed) {
        static Resolved not(Verdict verdict, String code, String why) {
            return new Resolved(null, null, verdict, new VendorError(verdict == Verdict.REVIEW ? ErrorClass.UNKNOWN
                    : ErrorClass.NOT_FOUND, code, why), null);
        }
    }

    // evidence: veradigm.lookup.get-patient-by-mrn, veradigm.read.patient-row, veradigm.id.patient
    Resolved resolve(ClinicalEvent event, boolean proveEncounter) {
        Identifier mrn = matches.mrn(event);
        if (mrn == null) {
            return new Resolved(null, null, Verdict.REFUSE, matches.noIdentifier(), null);
        }
        String patientId = matches.patient(mrn);
        if (patientId == null) {
            UnityClient.Call call = client.magic("GetPatientByMRN", "", List.of(mrn.value()));
            List<UnityRow> rows = rows(call, "GetPatientByMRN");
            if (rows == null) {
                return failed(call, "the MRN lookup");
            }
            List<String> ids = new ArrayList<>();
            for (UnityRow r : rows) {
                String rowMrn = r.text("mrn");
                if (rowMrn != null && !rowMrn.strip().equals(mrn.value())) {
                    continue;
                }
                String id = r.text("ID");
                if (id == null || id.isBlank()) {
                    return Resolved.not(Verdict.REVIEW, "unrecognised-answer", "a Unity patient row for the MRN"
                            + " carries no readable ID; nothing is written on a guess");
                }
                ids.add(id.strip());
            }
            if (ids.size() > 1) {
                return Resolved.not(Verdict.REVIEW, "ambiguous", ids.size() + " Unity patients have the MRN (system "
                        + mrn.system() + "); refusing to guess");
            }
            VendorError none = PatientMatches.unlessOne(ids.size(), "Unity", "the MRN", mrn);
            if (none != null) {
                return new Resolved(null, null, Verdict.REFUSE, none, null);
            }
            patientId = ids.get(0);
            matches.matched(mrn, patientId);
        }
        Identifier encounter = event.encounterIdentifier();
        if (encounter == null || !proveEncounter || matches.open(patientId, encounter)) {
            return new Resolved(patientId, encounter == null ? null : encounter.value(), Verdict.OK, null, null);
        }
        return proveEncounter(event, patientId, encounter);
    }

    /** The encounter must be listed for the patient and name the patient itself (issue 11). */
    // evidence: veradigm.lookup.get-encounter-list, veradigm.read.encounter-row, veradigm.read.encounter-row-casing
    private Resolved proveEncounter(ClinicalEvent event, String patientId, Identifier encounter) {
        String when = DATE.format(LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC));
        UnityClient.Call call = client.magic("GetEncounterList", patientId, List.of("", when, "0", "Y"));
        List<UnityRow> rows = rows(call, "GetEncounterList");
        if (rows == null) {
            return failed(call, "the encounter lookup");
        }
        for (UnityRow r : rows) {
            if (!encounter.value().equals(r.text("ID"))) {
                continue;
            }
            String owner = r.text("PatientID");
            if (owner == null) {
                return Resolved.not(Verdict.REVIEW, "unrecognised-answer", "Unity's encounter row names no readable"
                        + " PatientID, so the encounter cannot be proven to be this patient's (system "
                        + encounter.system() + ")");
            }
            if (!owner.strip().equals(patientId)) {
                return Resolved.not(Verdict.REFUSE, "wrong-patient", "the Unity encounter belongs to another patient"
                        + " (system " + encounter.system() + ")");
            }
            matches.foundOpen(patientId, encounter);
            return new Resolved(patientId, encounter.value(), Verdict.OK, null, null);
        }
        return Resolved.not(Verdict.REFUSE, "not-found", "the encounter is not a Unity encounter of this patient"
                + " (system " + encounter.system() + ")");
    }

    /** The rows of a successful answer to {@code action}, or null (failed, an error, or not Unity's shape). */
    static List<UnityRow> rows(UnityClient.Call call, String action) {
        if (call instanceof UnityClient.Sent s && s.reply() instanceof UnityTransport.Answer a && a.status() == 200
                && a.unityError() == null) {
            return UnityAnswer.rows(action, a.json());
        }
        return null;
    }

    /** A lookup that did not answer in Unity's shape: try again later when it failed, review when it was odd. */
    private static Resolved failed(UnityClient.Call call, String what) {
        VendorError error = UnityOutcomes.error(call);
        boolean odd = call instanceof UnityClient.Sent s && s.reply() instanceof UnityTransport.Answer a
                && a.status() == 200 && a.unityError() == null;
        return new Resolved(null, null, odd ? Verdict.REVIEW : Verdict.RETRY, odd ? new VendorError(
                ErrorClass.UNKNOWN, "unrecognised-answer", what + " answered in a shape the gateway does not"
                + " recognise") : error, call);
    }
}
