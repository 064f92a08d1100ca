package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.NotePayload;

import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Canonical events as AdvancedMD XML-RPC writes, and what each must look like when read back (in the read
 * vocabulary of {@link AdvancedMdReadMapping}, never the write's own attribute names). A note is filed in the
 * connection's EHR template: {@code addehrnotebyvisit} when the event names a visit, {@code addehrnote} otherwise,
 * the text (and the title, when the template has a field for it) as template fields. A condition becomes
 * {@code addehrproblem} with its ICD-10 code. Stateless.
 */
// evidence: amd.action.addehrnote, amd.action.addehrnotebyvisit, amd.request.addehrnote-xml, amd.note.template-config
// evidence: amd.action.addehrproblem, amd.request.addehrproblem-xml
final class AdvancedMdMapping {
    static final String NOTE = "patientnote";
    static final String PROBLEM = "problem";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

    private AdvancedMdMapping() {
    }

    /**
     * One write: the request, the record kind it stores, and {@code expected}, the critical content the record must
     * hold afterwards, keyed as {@link AdvancedMdReadMapping} reads records ({@code field:<name>} for template
     * fields).
     */
    record PpmdWrite(PpmdRequest request, String kind, Map<String, String> expected) {
    }

    /** The record kind an event type is written as, or null when AdvancedMD takes none. */
    static String kind(ClinicalEvent event) {
        return switch (event.type()) {
            case NOTE -> NOTE;
            case CONDITION -> PROBLEM;
            default -> null;
        };
    }

    static PpmdWrite render(ClinicalEvent event, String patientId, String visitId, AdvancedMdSettings settings) {
        if (event.payload() instanceof NotePayload note) {
            Map<String, String> a = new LinkedHashMap<>();
            if (visitId != null) {
                a.put("visitid", visitId);
            } else {
                a.put("patientid", patientId);
            }
            a.put("templateid", settings.noteTemplateId());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(settings.noteTextField(), note.text().strip());
            if (settings.noteTitleField() != null && note.title() != null) {
                fields.put(settings.noteTitleField(), note.title());
            }
            StringBuilder children = new StringBuilder();
            Map<String, String> expected = new LinkedHashMap<>();
            fields.forEach((name, value) -> {
                Map<String, String> field = new LinkedHashMap<>();
                field.put("fieldname", name);
                field.put("value", value);
                children.append(PpmdXml.element("field", field));
                expected.put("field:" + name, value);
            });
            String action = visitId != null ? "addehrnotebyvisit" : "addehrnote";
            return new PpmdWrite(new PpmdRequest(action, "api", a, children.toString()), NOTE, expected);
        }
        if (event.payload() instanceof ConditionPayload c) {
            Map<String, String> a = new LinkedHashMap<>();
            a.put("patientid", patientId);
            a.put("code", c.code().code());
            a.put("codeset", "10");
            a.put("description", c.code().display() != null ? c.code().display() : c.code().code());
            a.put("status", capitalize(c.clinicalStatus()));
            if (c.onset() != null) {
                a.put("onsetdate", DATE.format(c.onset()));
            }
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("code", a.get("code"));
            expected.put("status", a.get("status"));
            if (a.containsKey("onsetdate")) {
                expected.put("onsetdate", a.get("onsetdate"));
            }
            return new PpmdWrite(PpmdRequest.api("addehrproblem", a), PROBLEM, expected);
        }
        throw new IllegalArgumentException("AdvancedMD takes no " + event.type().wireName() + " write");
    }

    private static String capitalize(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
