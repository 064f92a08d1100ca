package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.PatientMatches;
import org.w3c.dom.Document;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Finds the AdvancedMD patient of an event by chart number ({@code lookuppatient}) and checks the event's visit
 * ({@code getpatientvisits}: the visit must be this patient's and open). Exactly one patient must match, and
 * matches are cached for two minutes ({@link PatientMatches}; each lookup spends the office key's quota).
 * Thread-safe.
 */
final class PatientContext {
    private final PpmdClient client;
    private final PatientMatches matches;

    PatientContext(PpmdClient client, String mrnSystem, Clock clock) {
        this.client = client;
        this.matches = new PatientMatches(mrnSystem, clock);
    }

    /**
     * The patient id and (when asked for) the visit id, or why not: a {@code refusal} is final (no such patient,
     * several, a closed visit); otherwise the lookup itself failed and may be tried again.
     */
    record Resolved(String patientId, String visitId, VendorError error, boolean refusal, PpmdClient.Call failed) {
        static Resolved refused(VendorError error) {
            return new Resolved(null, null, error, true, null);
        }

        static Resolved refused(String code, String why) {
            return refused(PatientMatches.refusal(code, why));
        }
    }

    Resolved resolve(ClinicalEvent event, boolean needsVisit) {
        Identifier mrn = matches.mrn(event);
        if (mrn == null) {
            return Resolved.refused(matches.noIdentifier());
        }
        String patientId = matches.patient(mrn);
        if (patientId == null) {
            PpmdClient.Call call = client.call(PpmdXml.message("lookuppatient", "api",
                    Map.of("chartnumber", mrn.value()), Map.of()));
            Document doc = answer(call);
            if (doc == null) {
                return failed(call);
            }
            List<Map<String, String>> found = PpmdXml.rows(doc, "patient").stream()
                    .filter(r -> mrn.value().equals(r.get("chart"))).toList();
            VendorError notOne = PatientMatches.unlessOne(found.size(), "AdvancedMD", "the chart number", mrn);
            if (notOne != null) {
                return Resolved.refused(notOne);
            }
            patientId = found.get(0).get("id");
            matches.matched(mrn, patientId);
        }
        if (!needsVisit || event.encounterIdentifier() == null) {
            return new Resolved(patientId, null, null, false, null);
        }
        return visit(patientId, event.encounterIdentifier());
    }

    private Resolved visit(String patientId, Identifier encounter) {
        if (matches.open(patientId, encounter)) {
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
        matches.foundOpen(patientId, encounter);
        return new Resolved(patientId, encounter.value(), null, false, null);
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
