package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.Measurement;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.NotePayload;
import dev.chartbridge.core.event.VitalsPayload;
import dev.chartbridge.core.json.Json;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps a canonical event into athenaOne's write (form field names as athena's v1 API and its public clients use
 * them) and into the record athena's read must then show, in the read's own field names: conditions into problems
 * (SNOMED CT {@code snomedcode}, read back as {@code code}), vitals into encounter readings (athena units, blood
 * pressure as two readings, ids asked for with {@code returnvitalids}), allergies into the patient's allergy list
 * (athena's {@code allergenid}), medication changes into medication entries (athena's {@code medicationid}, never
 * an RxNorm code), notes into one clinical document each. Dates are the practice's local {@code mm/dd/yyyy}.
 * Stateless and thread-safe.
 */
final class AthenaMapping {
    // evidence: athena.format.dates
    static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu");
    static final DateTimeFormatter US_DATE_TIME = DateTimeFormatter.ofPattern("MM/dd/uuuu HH:mm:ss");

    private AthenaMapping() {
    }

    /** The record kind each supported canonical event type becomes (null when athena takes none). */
    static String kind(ClinicalEvent event) {
        return switch (event.type()) {
            case VITALS -> "vitals";
            case NOTE -> "clinicaldocument";
            case CONDITION -> "problem";
            case ALLERGY -> "allergy";
            case MEDICATION_CHANGE -> "medication";
            case FOLLOW_UP_TASK, CONSENT -> null;
        };
    }

    /**
     * @param ctx       the resolved patient, encounter (required for vitals) and department
     * @param reference athena's id for the allergen or medication (null for other kinds)
     */
    static AthenaWrite render(WriteContext w, AthenaContext.Resolved ctx, AthenaReference.Lookup reference,
                              AthenaSettings s) {
        ClinicalEvent e = w.event();
        String dept = ctx.departmentId();
        String chart = "/chart/" + ctx.patientId();
        String read = "?departmentid=" + dept;
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        return switch (e.type()) {
            case CONDITION -> {
                // evidence: athena.problems.create, athena.problems.read-shape
                ConditionPayload c = (ConditionPayload) e.payload();
                form.put("snomedcode", c.code().code());
                form.put("departmentid", dept);
                expected.put("code", c.code().code());
                expected.put("codeset", "SNOMED");
                if (c.onset() != null) {
                    form.put("startdate", c.onset().format(US_DATE));
                    expected.put("startdate", c.onset().format(US_DATE));
                }
                putIfPresent(form, "note", c.note());
                yield new AthenaWrite("problem", "POST", chart + "/problems", form, chart + "/problems" + read,
                        "problemid", null, List.of(expected));
            }
            case ALLERGY -> {
                // evidence: athena.allergies.update, athena.allergies.read-shape
                AllergyPayload a = (AllergyPayload) e.payload();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("allergenid", reference.id());
                entry.put("allergenname", reference.name());
                if (a.criticality() != null) {
                    entry.put("criticality", a.criticality());
                }
                List<Map<String, String>> reactions = reactions(a.reactions());
                if (!reactions.isEmpty()) {
                    entry.put("reactions", reactions);
                }
                form.put("departmentid", dept);
                form.put("allergies", json(List.of(entry)));
                expected.put("allergenid", reference.id());
                expected.put("reactions", reactionCodes(reactions));
                yield new AthenaWrite("allergy", "PUT", chart + "/allergies", form, chart + "/allergies" + read, null,
                        reference.id(), List.of(expected));
            }
            case MEDICATION_CHANGE -> {
                // evidence: athena.medications.create, athena.medications.not-rxnorm, athena.medications.read-shape
                MedicationChangePayload m = (MedicationChangePayload) e.payload();
                form.put("departmentid", dept);
                form.put("medicationid", reference.id());
                String date = localDate(e.occurredAt(), s);
                expected.put("medicationid", reference.id());
                if ("stop".equals(m.action())) {
                    form.put("stopdate", date);
                } else {
                    form.put("startdate", date);
                    String sig = AthenaVitals.plain(m.doseValue()) + " " + m.doseUnit() + " " + m.route() + " "
                            + m.frequency();
                    form.put("unstructuredsig", sig);
                    expected.put("unstructuredsig", sig);
                }
                putIfPresent(form, "providernote", m.reason());
                yield new AthenaWrite("medication", "POST", chart + "/medications", form,
                        chart + "/medications" + read, "medicationentryid", null, List.of(expected));
            }
            case NOTE -> {
                // evidence: athena.documents.clinical-create, athena.documents.read-shape
                NotePayload n = (NotePayload) e.payload();
                String subclass = s.documentSubclass(n.noteType());
                String internal = n.noteType().display() + ": " + n.title();
                form.put("departmentid", dept);
                form.put("documentsubclass", subclass);
                form.put("documentdata", n.text());
                form.put("observationdate", localDate(e.occurredAt(), s));
                form.put("internalnote", internal);
                putIfPresent(form, "providerid", s.providerIds().get(e.author().npi()));
                form.put("autoclose", Boolean.toString("final".equals(n.status())));
                expected.put("documentclass", "CLINICALDOCUMENT");
                expected.put("documentsubclass", subclass);
                expected.put("internalnote", internal);
                yield new AthenaWrite("clinicaldocument", "POST", "/patients/" + ctx.patientId()
                        + "/documents/clinicaldocument", form, "/patients/" + ctx.patientId() + "/documents" + read,
                        "clinicaldocumentid", null, List.of(expected));
            }
            case VITALS -> vitals(e, w.part(), ctx, s);
            case FOLLOW_UP_TASK, CONSENT -> throw new IllegalArgumentException(
                    "athenahealth takes no " + e.type().wireName() + " (refused at intake)");
        };
    }

    // evidence: athena.vitals.encounter-create, athena.vitals.returnvitalids, athena.vitals.read-shape
    private static AthenaWrite vitals(ClinicalEvent e, int part, AthenaContext.Resolved ctx, AthenaSettings s) {
        Measurement m = ((VitalsPayload) e.payload()).measurements().get(part);
        String taken = e.occurredAt().atZone(s.zone()).format(US_DATE_TIME);
        List<Map<String, String>> readings = new ArrayList<>();
        List<Map<String, String>> expected = new ArrayList<>();
        for (Map<String, String> r : AthenaVitals.readings(m)) {
            Map<String, String> reading = new LinkedHashMap<>(r);
            reading.put("readingtaken", taken);
            readings.add(reading);
            expected.add(Map.copyOf(reading));
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("departmentid", ctx.departmentId());
        form.put("returnvitalids", "true");
        form.put("vitals", json(List.of(readings)));
        String path = "/chart/encounter/" + ctx.encounterId() + "/vitals";
        return new AthenaWrite("vitals", "POST", path, form, path, "vitalids", null, expected);
    }

    /** athena's reactions: {@code [{"reactionname", "snomedcode", "severity"}]}, SNOMED CT manifestations only. */
    // evidence: athena.allergies.reactions
    private static List<Map<String, String>> reactions(List<AllergyPayload.Reaction> reactions) {
        List<Map<String, String>> out = new ArrayList<>();
        for (AllergyPayload.Reaction r : reactions) {
            Coding c = r.manifestation();
            if (!Coding.SNOMED.equals(c.system())) {
                continue;
            }
            Map<String, String> x = new LinkedHashMap<>();
            x.put("reactionname", c.display() != null ? c.display() : c.code());
            x.put("snomedcode", c.code());
            putIfPresent(x, "severity", r.severity());
            out.add(x);
        }
        return out;
    }

    /** The reactions as the comparison sees them: their SNOMED codes, sorted, comma-joined. */
    static String reactionCodes(List<Map<String, String>> reactions) {
        TreeSet<String> codes = new TreeSet<>();
        reactions.forEach(r -> codes.add(r.get("snomedcode")));
        return String.join(",", codes);
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("could not write athena's JSON form field", ex);
        }
    }

    static String localDate(Instant instant, AthenaSettings s) {
        return instant.atZone(s.zone()).format(US_DATE);
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
