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
import dev.chartbridge.core.intake.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a canonical event into athenaOne's form fields (names as athena's v1 API defines them): conditions into
 * problems (SNOMED CT code, start date, department, note), vitals into encounter vitals (athena units, blood
 * pressure as systolic and diastolic readings), allergies, medication changes into medication entries, notes into
 * one clinical document each. Every write carries the department and, through its path, the patient or the
 * encounter. Dates are the practice's local dates, {@code mm/dd/yyyy}. Stateless and thread-safe.
 */
final class AthenaMapping {
    static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu");
    static final DateTimeFormatter US_DATE_TIME = DateTimeFormatter.ofPattern("MM/dd/uuuu HH:mm:ss");
    private static final List<String> SEVERITY_ORDER = List.of("mild", "moderate", "severe");

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
     * @param patientId   athena's patient id, resolved from the event's MRN
     * @param encounterId athena's encounter id; required for vitals, null allowed otherwise
     */
    static AthenaWrite render(WriteContext w, String patientId, String encounterId, AthenaSettings s) {
        ClinicalEvent e = w.event();
        Map<String, String> form = new LinkedHashMap<>();
        String chart = "/chart/" + patientId;
        return switch (e.type()) {
            case CONDITION -> {
                ConditionPayload c = (ConditionPayload) e.payload();
                form.put("snomedcode", c.code().code());
                form.put("departmentid", s.departmentId());
                if (c.onset() != null) {
                    form.put("startdate", c.onset().format(US_DATE));
                }
                putIfPresent(form, "note", c.note());
                yield single("problem", chart + "/problems", "problems", "problemid", form);
            }
            case ALLERGY -> {
                AllergyPayload a = (AllergyPayload) e.payload();
                form.put("allergenname", a.substance().display());
                form.put("departmentid", s.departmentId());
                if (!a.reactions().isEmpty()) {
                    form.put("reactions", reactions(a.reactions()));
                    putIfPresent(form, "severity", highestSeverity(a.reactions()));
                }
                if (a.criticality() != null) {
                    // athena's allergy has no criticality field; the clinician must still see it.
                    form.put("note", "Criticality: " + a.criticality());
                }
                yield single("allergy", chart + "/allergies", "allergies", "allergyid", form);
            }
            case MEDICATION_CHANGE -> {
                MedicationChangePayload m = (MedicationChangePayload) e.payload();
                form.put("medicationid", m.medication().code());
                form.put("departmentid", s.departmentId());
                String date = localDate(e.occurredAt(), s);
                if ("stop".equals(m.action())) {
                    form.put("stopdate", date);
                } else {
                    form.put("startdate", date);
                    form.put("unstructuredsig", AthenaVitals.plain(m.doseValue()) + " " + m.doseUnit() + " "
                            + m.route() + " " + m.frequency());
                }
                putIfPresent(form, "note", m.reason());
                yield single("medication", chart + "/medications", "medications", "medicationentryid", form);
            }
            case NOTE -> {
                NotePayload n = (NotePayload) e.payload();
                form.put("departmentid", s.departmentId());
                form.put("documentsubclass", s.documentSubclass(n.noteType()));
                form.put("attachmenttype", "TEXT");
                form.put("attachmentcontents",
                        Base64.getEncoder().encodeToString(n.text().getBytes(StandardCharsets.UTF_8)));
                form.put("documentdate", localDate(e.occurredAt(), s));
                form.put("internalnote", n.noteType().display() + ": " + n.title());
                putIfPresent(form, "providerid", s.providerIds().get(e.author().npi()));
                form.put("autoclose", Boolean.toString("final".equals(n.status())));
                yield single("clinicaldocument", "/patients/" + patientId + "/documents/clinicaldocument",
                        "clinicaldocuments", "clinicaldocumentid", form);
            }
            case VITALS -> vitals(e, w.part(), patientId, encounterId, s);
            case FOLLOW_UP_TASK, CONSENT -> throw new IllegalArgumentException(
                    "athenahealth takes no " + e.type().wireName() + " (refused at intake)");
        };
    }

    private static AthenaWrite vitals(ClinicalEvent e, int part, String patientId, String encounterId,
                                      AthenaSettings s) {
        Measurement m = ((VitalsPayload) e.payload()).measurements().get(part);
        String taken = e.occurredAt().atZone(s.zone()).format(US_DATE_TIME);
        List<Map<String, String>> readings = new ArrayList<>();
        List<Map<String, String>> expected = new ArrayList<>();
        for (Map<String, String> r : AthenaVitals.readings(m)) {
            Map<String, String> reading = new LinkedHashMap<>(r);
            reading.put("readingtaken", taken);
            readings.add(reading);
            Map<String, String> stored = new LinkedHashMap<>(reading);
            stored.put("departmentid", s.departmentId());
            stored.put("encounterid", encounterId);
            expected.add(stored);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("departmentid", s.departmentId());
        try {
            form.put("vitals", Json.MAPPER.writeValueAsString(List.of(readings)));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("vitals readings could not be written as JSON", ex);
        }
        return new AthenaWrite("vitals", "/chart/encounter/" + encounterId + "/vitals",
                "/chart/" + patientId + "/vitals", "vitals", "vitalid", form, expected);
    }

    private static AthenaWrite single(String kind, String path, String listName, String idField,
                                      Map<String, String> form) {
        return new AthenaWrite(kind, path, path, listName, idField, form, List.of(form));
    }

    /** athena's reactions: {@code [{"reactionname", "snomedcode", "severity"}]}. */
    private static String reactions(List<AllergyPayload.Reaction> reactions) {
        List<Map<String, String>> out = new ArrayList<>();
        for (AllergyPayload.Reaction r : reactions) {
            Map<String, String> x = new LinkedHashMap<>();
            Coding c = r.manifestation();
            x.put("reactionname", c.display() != null ? c.display() : c.code());
            if (Coding.SNOMED.equals(c.system())) {
                x.put("snomedcode", c.code());
            }
            putIfPresent(x, "severity", r.severity());
            out.add(x);
        }
        try {
            return Json.MAPPER.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reactions could not be written as JSON", e);
        }
    }

    private static String highestSeverity(List<AllergyPayload.Reaction> reactions) {
        return reactions.stream().map(AllergyPayload.Reaction::severity).filter(SEVERITY_ORDER::contains)
                .max((a, b) -> SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b)).orElse(null);
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
