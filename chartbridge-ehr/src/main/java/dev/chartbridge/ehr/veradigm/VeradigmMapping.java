package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.event.Measurement;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.NotePayload;
import dev.chartbridge.core.event.VitalKind;
import dev.chartbridge.core.event.VitalsPayload;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Canonical events as Unity Magic save actions, with each action's {@code Parameter1..n} in the order Unity
 * (as the simulator reads it) names them: SaveVitals (one call per measurement, as {@code VitalsXML} with LOINC
 * codes and UCUM units), SaveNote, SaveProblem, SaveAllergy, SaveRX, SaveTask. The patient goes in
 * {@code PatientID}, the encounter where the action takes one, and the author through the connection's
 * {@code AppUserID}. Dates are {@code MM/dd/yyyy}. Stateless.
 */
final class VeradigmMapping {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

    private VeradigmMapping() {
    }

    /** One save: the action, the record kind it stores, the parameter names and values, in order. */
    record UnityWrite(String action, String kind, List<String> names, List<String> values) {
        /** What the record must hold afterwards (the content fingerprint and the critical fields). */
        Map<String, String> stored() {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (!values.get(i).isEmpty()) {
                    fields.put(names.get(i), values.get(i));
                }
            }
            return fields;
        }

        /** The stored fields {@code row} (a GetClinicalSummary row) lacks or holds differently. */
        List<String> differences(JsonNode row) {
            List<String> different = new ArrayList<>();
            stored().forEach((name, value) -> {
                if (!row.hasNonNull(name) || !row.get(name).asText().equals(value)) {
                    different.add(name);
                }
            });
            return different;
        }
    }

    /** The record kind an event becomes, or null when Unity takes none. */
    static String kind(ClinicalEvent event) {
        return switch (event.type()) {
            case VITALS -> "vitals";
            case NOTE -> "note";
            case CONDITION -> "problem";
            case ALLERGY -> "allergy";
            case MEDICATION_CHANGE -> "medication";
            case FOLLOW_UP_TASK -> "task";
            default -> null;
        };
    }

    /** Whether the action carries the encounter (then it must be the patient's and open). */
    static boolean takesEncounter(ClinicalEvent event) {
        return event.payload() instanceof VitalsPayload || event.payload() instanceof NotePayload;
    }

    static UnityWrite render(ClinicalEvent event, int part, String encounterId, Map<String, String> users) {
        String encounter = encounterId == null ? "" : encounterId;
        if (event.payload() instanceof VitalsPayload v) {
            return new UnityWrite("SaveVitals", "vitals", List.of("VitalsXML", "EncounterID"),
                    List.of(vitalsXml(v.measurements().get(part), event.occurredAt()), encounter));
        }
        if (event.payload() instanceof NotePayload n) {
            return new UnityWrite("SaveNote", "note", List.of("NoteText", "NoteType", "EncounterID"),
                    List.of(n.text(), n.noteType().display(), encounter));
        }
        if (event.payload() instanceof ConditionPayload c) {
            return new UnityWrite("SaveProblem", "problem",
                    List.of("ProblemCode", "CodeSystem", "Description", "OnsetDate", "Status"),
                    List.of(c.code().code(), codeSystem(c.code()), text(c.code()), date(c.onset()),
                            capitalize(c.clinicalStatus())));
        }
        if (event.payload() instanceof AllergyPayload a) {
            return new UnityWrite("SaveAllergy", "allergy", List.of("Allergen", "Reaction", "Severity", "OnsetDate"),
                    List.of(text(a.substance()), reactions(a), severity(a), ""));
        }
        if (event.payload() instanceof MedicationChangePayload m) {
            return new UnityWrite("SaveRX", "medication", List.of("Medication", "Sig", "StartDate", "Quantity"),
                    List.of(text(m.medication()), sig(m), date(LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC)),
                            ""));
        }
        if (event.payload() instanceof FollowUpTaskPayload t) {
            return new UnityWrite("SaveTask", "task", List.of("TaskType", "TargetUser", "Comment", "DueDate"),
                    List.of("Follow-up", t.ownerNpi() == null ? "" : users.getOrDefault(t.ownerNpi(), ""),
                            t.description(), date(t.dueDate())));
        }
        throw new IllegalArgumentException("Unity takes no " + event.type().wireName() + " write");
    }

    private static String vitalsXml(Measurement m, Instant observedAt) {
        VitalKind k = m.kind();
        StringBuilder xml = new StringBuilder("<Vitals ObservedAt=\"").append(observedAt).append("\"><Vital Code=\"")
                .append(k.loinc()).append("\" System=\"LOINC\" Name=\"").append(esc(k.display())).append("\" Unit=\"")
                .append(esc(m.unit())).append('"');
        if (k == VitalKind.BLOOD_PRESSURE) {
            return xml.append("><Component Code=\"").append(VitalKind.SYSTOLIC_LOINC).append("\" Value=\"")
                    .append(num(m.systolic())).append("\"/><Component Code=\"").append(VitalKind.DIASTOLIC_LOINC)
                    .append("\" Value=\"").append(num(m.diastolic())).append("\"/></Vital></Vitals>").toString();
        }
        return xml.append(" Value=\"").append(num(m.value())).append("\"/></Vitals>").toString();
    }

    private static String reactions(AllergyPayload a) {
        return a.reactions() == null ? "" : a.reactions().stream().map(r -> text(r.manifestation()))
                .collect(Collectors.joining(", "));
    }

    private static String severity(AllergyPayload a) {
        if (a.reactions() == null) {
            return "";
        }
        List<String> order = List.of("mild", "moderate", "severe");
        return a.reactions().stream().map(AllergyPayload.Reaction::severity).filter(order::contains)
                .max((x, y) -> order.indexOf(x) - order.indexOf(y)).map(VeradigmMapping::capitalize).orElse("");
    }

    private static String sig(MedicationChangePayload m) {
        return List.of(m.doseValue() == null ? "" : num(m.doseValue()), nz(m.doseUnit()), nz(m.route()),
                nz(m.frequency())).stream().filter(s -> !s.isEmpty()).collect(Collectors.joining(" "));
    }

    private static String codeSystem(Coding c) {
        return switch (c.system()) {
            case Coding.ICD10CM -> "ICD10";
            case Coding.SNOMED -> "SNOMED";
            default -> c.system();
        };
    }

    private static String text(Coding c) {
        return c.display() != null ? c.display() : c.code();
    }

    private static String date(LocalDate d) {
        return d == null ? "" : DATE.format(d);
    }

    private static String num(BigDecimal d) {
        return d == null ? "" : d.toPlainString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String capitalize(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
