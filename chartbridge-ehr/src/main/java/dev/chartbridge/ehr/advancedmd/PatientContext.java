package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.ehr.PatientMatches;
import org.w3c.dom.Element;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Finds the AdvancedMD patient of an event by chart number ({@code lookuppatient}, whose search string takes a
 * chart number; only rows whose {@code chart} is exactly the MRN count) and proves the event's visit is that
 * patient's ({@code getpatientvisits}: the visit row's {@code patient} child must be the resolved patient; a visit
 * of another patient is refused, never written). Exactly one patient must match; matches are cached for two
 * minutes ({@link PatientMatches}; each lookup spends the office key's quota). An answer in a shape these reads do
 * not know is a refusal to guess. Thread-safe.
 */
// evidence: amd.action.lookuppatient, amd.read.patientlist, amd.id.patient, amd.action.getpatientvisits
// evidence: amd.read.visit-row, amd.read.visit-list
final class PatientContext {
    private final PpmdClient client;
    private final PatientMatches matches;

    PatientContext(PpmdClient client, String mrnSystem, Clock clock) {
        this.client = client;
        this.matches = new PatientMatches(mrnSystem, clock);
    }

    /**
     * The patient id and (when asked for) the visit id, or why not: a {@code refusal} is final (no such patient,
     * several, a visit of another patient, an answer not understood); otherwise the lookup itself failed and may be
     * tried again.
     */
    record Resolved(String patientId, String visitId, VendorError error, boolean refusal, PpmdClient.Call failed) {
        static Resolved refused(VendorError error) {
            return new Resolved(null, null, error, true, null);
        }

        static Resolved refused(String code, String why) {
            return refused(PatientMatches.refusal(code, why));
        }

        static Resolved unrecognised(String action, String why) {
            return refused(new VendorError(ErrorClass.UNKNOWN, "unrecognised-answer", "AdvancedMD's " + action
                    + " answer is in a shape the gateway does not know (" + why + "); nothing was written"));
        }
    }

    Resolved resolve(ClinicalEvent event, boolean needsVisit) {
        Identifier mrn = matches.mrn(event);
        if (mrn == null) {
            return Resolved.refused(matches.noIdentifier());
        }
        String patientId = matches.patient(mrn);
        if (patientId == null) {
            PpmdClient.Call call = client.call(PpmdRequest.api("lookuppatient", Map.of("name", mrn.value())));
            Element results = answer(call);
            if (results == null) {
                return failed(call);
            }
            List<Element> lists = PpmdXml.children(results, "patientlist");
            if (lists.size() != 1) {
                return Resolved.unrecognised("lookuppatient", "no single <patientlist>");
            }
            Element list = lists.get(0);
            if (!list.getAttribute("pagecount").isEmpty() && !"1".equals(list.getAttribute("pagecount"))) {
                return Resolved.refused("ambiguous", "AdvancedMD's lookup by the chart number answered several pages"
                        + " (system " + mrn.system() + ")");
            }
            List<Element> found = PpmdXml.children(list, "patient").stream()
                    .filter(p -> mrn.value().equals(p.getAttribute("chart"))).toList();
            VendorError notOne = PatientMatches.unlessOne(found.size(), "AdvancedMD", "the chart number", mrn);
            if (notOne != null) {
                return Resolved.refused(notOne);
            }
            patientId = found.get(0).getAttribute("id");
            if (patientId.isBlank()) {
                return Resolved.unrecognised("lookuppatient", "a <patient> without an id");
            }
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
        PpmdClient.Call call = client.call(PpmdRequest.api("getpatientvisits", Map.of("patientid", patientId)));
        Element results = answer(call);
        if (results == null) {
            return failed(call);
        }
        List<Element> lists = PpmdXml.children(results, "visitlist");
        if (lists.size() != 1) {
            return Resolved.unrecognised("getpatientvisits", "no single <visitlist>");
        }
        Element visit = PpmdXml.children(lists.get(0), "visit").stream()
                .filter(v -> encounter.value().equals(v.getAttribute("id"))).findFirst().orElse(null);
        if (visit == null) {
            return Resolved.refused("not-found", "the encounter is not an AdvancedMD visit of this patient (system "
                    + encounter.system() + ")");
        }
        List<Element> patient = PpmdXml.children(visit, "patient");
        if (patient.size() != 1 || patient.get(0).getAttribute("id").isBlank()) {
            return Resolved.unrecognised("getpatientvisits", "a <visit> without its <patient id>");
        }
        if (!patientId.equals(patient.get(0).getAttribute("id"))) {
            return Resolved.refused("wrong-patient", "the AdvancedMD visit belongs to another patient than the"
                    + " event's (system " + encounter.system() + ")");
        }
        matches.foundOpen(patientId, encounter);
        return new Resolved(patientId, encounter.value(), null, false, null);
    }

    private static Element answer(PpmdClient.Call call) {
        return call instanceof PpmdClient.Sent s && s.reply() instanceof PpmdTransport.Answer a && a.success()
                ? PpmdXml.results(a.doc()) : null;
    }

    private static Resolved failed(PpmdClient.Call call) {
        VendorError error = PpmdOutcomes.error(call);
        boolean refusal = error.errorClass() == ErrorClass.NOT_FOUND || error.errorClass() == ErrorClass.INVALID;
        return new Resolved(null, null, error, refusal, call);
    }
}
