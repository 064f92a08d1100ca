package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.NotePayload;
import dev.chartbridge.core.event.VitalsPayload;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Canonical events as Unity Magic save actions, each with its {@code Parameter1..n} at the positions the public
 * reference clients use (cited per action in {@code docs/evidence/veradigm.yaml}): SaveVitals (one call per
 * measurement, a vitals XML in Parameter1), SaveNote (text, document type, Final, not RTF), SaveProblem (type id,
 * problem id, severity, type, XML), SaveAllergy (an allergy XML), SaveRX (a {@code <saverx>} field document),
 * SaveTask (task type, target user, work object id, comments, subject). The patient goes in {@code PatientID}.
 * What the record must look like afterwards is not derived from these parameters: see {@link UnityReadShapes}.
 * Dates are {@code MM/dd/yyyy}. Stateless.
 */
final class VeradigmMapping {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

    private VeradigmMapping() {
    }

    /** One save: the action, the record kind it stores, and Parameter1..n. */
    record UnityWrite(String action, String kind, List<String> parameters) {
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

    /** Whether the event names an encounter the write is bound to (then it must be proven the patient's). */
    static boolean bindsEncounter(ClinicalEvent event) {
        return event.payload() instanceof VitalsPayload || event.payload() instanceof NotePayload;
    }

    // evidence: veradigm.save.vitals, veradigm.save.vitals-xml, veradigm.save.note, veradigm.behaviour.note-status
    // evidence: veradigm.save.problem, veradigm.save.problem-values, veradigm.save.allergy, veradigm.save.allergy-xml
    // evidence: veradigm.save.rx, veradigm.save.rx-values, veradigm.save.task, veradigm.save.task-values
    static UnityWrite render(ClinicalEvent event, int part, String encounterId, VeradigmSettings settings) {
        if (event.payload() instanceof VitalsPayload v) {
            StringBuilder xml = new StringBuilder("<vitals");
            if (encounterId != null) {
                xml.append(" encounterid=\"").append(esc(encounterId)).append('"');
            }
            xml.append('>');
            UnityReadShapes.readings(v.measurements().get(part)).forEach((name, reading) -> {
                String[] valueUnit = reading.split(" ", 2);
                xml.append("<vital name=\"").append(name).append("\" value=\"").append(esc(valueUnit[0])).append('"');
                if (valueUnit.length > 1) {
                    xml.append(" unit=\"").append(esc(valueUnit[1])).append('"');
                }
                xml.append("/>");
            });
            return new UnityWrite("SaveVitals", "vitals", List.of(xml.append("</vitals>").toString()));
        }
        if (event.payload() instanceof NotePayload n) {
            return new UnityWrite("SaveNote", "note", List.of(n.text(), UnityReadShapes.documentType(n), "Final",
                    "N"));
        }
        if (event.payload() instanceof ConditionPayload c) {
            String payload = "<problem description=\"" + esc(text(c.code())) + "\" onset=\"" + date(c.onset()) + "\"/>";
            return new UnityWrite("SaveProblem", "problem", List.of(UnityReadShapes.codeSystem(c.code()),
                    c.code().code(), "", UnityReadShapes.problemStatus(c), payload));
        }
        if (event.payload() instanceof AllergyPayload a) {
            return new UnityWrite("SaveAllergy", "allergy", List.of("<allergy allergen=\"" + esc(text(a.substance()))
                    + "\" reaction=\"" + esc(reactions(a)) + "\" severity=\"" + esc(severity(a)) + "\"/>"));
        }
        if (event.payload() instanceof MedicationChangePayload m) {
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            fields.put("GPPCText", text(m.medication()));
            fields.put("Sig", sig(m));
            fields.put("startdate", date(LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC)));
            fields.put("historicalflag", "N");
            fields.put("rxaction", "new");
            fields.put("comments", m.reason() == null ? "" : m.reason());
            String xml = fields.entrySet().stream().map(e -> "<field name=\"" + e.getKey() + "\" value=\""
                    + esc(e.getValue()) + "\"/>").collect(Collectors.joining("", "<saverx>", "</saverx>"));
            return new UnityWrite("SaveRX", "medication", List.of(xml));
        }
        if (event.payload() instanceof FollowUpTaskPayload t) {
            return new UnityWrite("SaveTask", "task", List.of(settings.taskType(), UnityReadShapes.targetUser(t,
                    settings), "0", UnityReadShapes.taskComments(t), "Follow-up"));
        }
        throw new IllegalArgumentException("Unity takes no " + event.type().wireName() + " write");
    }

    static String date(LocalDate d) {
        return d == null ? "" : DATE.format(d);
    }

    static String text(Coding c) {
        return c.display() != null ? c.display() : c.code();
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
                .max((x, y) -> order.indexOf(x) - order.indexOf(y)).orElse("");
    }

    private static String sig(MedicationChangePayload m) {
        return List.of(m.doseValue() == null ? "" : num(m.doseValue()), nz(m.doseUnit()), nz(m.route()),
                nz(m.frequency())).stream().filter(s -> !s.isEmpty()).collect(Collectors.joining(" "));
    }

    static String num(BigDecimal d) {
        return d == null ? "" : d.stripTrailingZeros().toPlainString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
