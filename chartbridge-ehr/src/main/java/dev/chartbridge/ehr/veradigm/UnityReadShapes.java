package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.event.Measurement;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.NotePayload;
import dev.chartbridge.core.event.VitalsPayload;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The explicit read mapping: where Unity lists each kind of record and what a record written for an event must
 * look like there, in Unity's read columns (not the save parameters). Problems, medications, vitals and
 * allergies are rows of {@code GetClinicalSummary}; tasks rows of {@code GetTaskList}; notes rows of
 * {@code GetDocuments}. {@code absenceTrusted} says whether a listing without the record proves it is not there:
 * only where the read shape is evidenced (an assumed section name could hide the record). Stateless.
 */
final class UnityReadShapes {
    private UnityReadShapes() {
    }

    /**
     * Where and how one kind is read.
     *
     * @param action         the listing action
     * @param section        the clinical summary section holding the kind, or null for other listings
     * @param idColumn       the column holding the record id (also the save answer's)
     * @param dateColumn     the column holding the day the record was entered
     * @param patientColumn  the column naming the row's patient, for listings that span patients; else null
     * @param absenceTrusted whether not finding the record in a readable listing proves it is absent
     * @param contentReadable whether the listing carries the record's content (else a lost write is never "found")
     */
    record Shape(String action, String section, String idColumn, String dateColumn, String patientColumn,
                 boolean absenceTrusted, boolean contentReadable) {
    }

    // evidence: veradigm.read.clinical-summary, veradigm.read.summary-problems, veradigm.read.summary-medications
    // evidence: veradigm.read.summary-vitals, veradigm.read.summary-allergies, veradigm.read.task-list
    // evidence: veradigm.read.task-row, veradigm.read.documents, veradigm.read.document-row, veradigm.id.transid
    static Shape shape(String kind) {
        return switch (kind) {
            case "problem" -> new Shape("GetClinicalSummary", "problems", "transid", "displaydate", null, true, true);
            case "medication" -> new Shape("GetClinicalSummary", "medications", "transid", "displaydate", null, true,
                    true);
            case "vitals" -> new Shape("GetClinicalSummary", "vitals", "transid", "displaydate", null, true, true);
            case "allergy" -> new Shape("GetClinicalSummary", "allergies", "transid", "displaydate", null, false,
                    true);
            case "task" -> new Shape("GetTaskList", null, "TaskID", "DateEntered", "PatientID", false, true);
            case "note" -> new Shape("GetDocuments", null, "DocumentID", "DocumentDate", null, true, false);
            default -> throw new IllegalArgumentException("no Unity read shape for " + kind);
        };
    }

    /** Parameter1..n of the listing call, from the day the event occurred (the day before, for time zones). */
    static List<String> listingParameters(String kind, LocalDate since) {
        return switch (shape(kind).action()) {
            case "GetClinicalSummary" -> List.of("", "", "");
            case "GetTaskList" -> List.of(VeradigmMapping.date(since), "", "", "", "0");
            default -> List.of(VeradigmMapping.date(since), "", "", "", "");
        };
    }

    /** What the record must hold in its read columns (vitals: reading name to detail). */
    static Map<String, String> expected(ClinicalEvent event, int part, VeradigmSettings settings) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (event.payload() instanceof VitalsPayload v) {
            return readings(v.measurements().get(part));
        }
        if (event.payload() instanceof ConditionPayload c) {
            fields.put("entrycode", c.code().code() + "|" + codeSystem(c.code()));
            fields.put("status", problemStatus(c));
        } else if (event.payload() instanceof MedicationChangePayload m) {
            fields.put("description", VeradigmMapping.text(m.medication()));
            fields.put("status", "Active");
        } else if (event.payload() instanceof AllergyPayload a) {
            fields.put("description", VeradigmMapping.text(a.substance()));
        } else if (event.payload() instanceof FollowUpTaskPayload t) {
            fields.put("TaskType", settings.taskType());
            fields.put("AssignedTo", targetUser(t, settings));
            fields.put("Remark", taskComments(t));
        } else if (event.payload() instanceof NotePayload n) {
            fields.put("DocumentType", documentType(n));
            fields.put("DocumentStatus", "Final");
        }
        return fields;
    }

    /** A vitals reading as the clinical summary shows it: vital name to detail ("146", "37.2 C", "70 kg"). */
    // evidence: veradigm.read.summary-vitals, veradigm.read.summary-vitals-names
    static Map<String, String> readings(Measurement m) {
        Map<String, String> out = new LinkedHashMap<>();
        String v = VeradigmMapping.num(m.value());
        switch (m.kind()) {
            case BLOOD_PRESSURE -> {
                out.put("systolic", VeradigmMapping.num(m.systolic()));
                out.put("diastolic", VeradigmMapping.num(m.diastolic()));
            }
            case HEART_RATE -> out.put("pulse", v);
            case RESPIRATORY_RATE -> out.put("resp", v);
            case OXYGEN_SATURATION -> out.put("o2sat", v);
            case BODY_TEMPERATURE -> out.put("temp", v + ("[degF]".equals(m.unit()) ? " F" : " C"));
            case BODY_WEIGHT -> out.put("wt", v + " " + switch (m.unit()) {
                case "[lb_av]" -> "lb";
                case "g" -> "g";
                default -> "kg";
            });
            case BODY_HEIGHT -> out.put("ht", v + " " + switch (m.unit()) {
                case "[in_i]" -> "in";
                case "m" -> "m";
                default -> "cm";
            });
        }
        return out;
    }

    static String codeSystem(Coding c) {
        return switch (c.system()) {
            case Coding.ICD10CM -> "ICD10";
            case Coding.SNOMED -> "SNOMED";
            default -> c.system();
        };
    }

    static String problemStatus(ConditionPayload c) {
        return "resolved".equals(c.clinicalStatus()) || "inactive".equals(c.clinicalStatus()) ? "Resolved" : "Active";
    }

    static String documentType(NotePayload n) {
        return n.noteType().display();
    }

    static String targetUser(FollowUpTaskPayload t, VeradigmSettings settings) {
        return t.ownerNpi() == null ? settings.appUserId() : settings.users().getOrDefault(t.ownerNpi(), "");
    }

    static String taskComments(FollowUpTaskPayload t) {
        return t.description() + (t.dueDate() == null ? "" : " (due " + VeradigmMapping.date(t.dueDate()) + ")");
    }
}
