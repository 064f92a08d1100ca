package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.NotePayload;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical events as AdvancedMD XML-RPC writes: a note becomes {@code addehrnotebyvisit} when the event names
 * a visit and {@code addehrnote} otherwise; a condition becomes {@code addehrproblem}. Every write carries the
 * patient and the author's provider id (and the visit where there is one). Dates are {@code MM/dd/yyyy}, as
 * AdvancedMD's XML-RPC writes them. Stateless.
 */
final class AdvancedMdMapping {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

    private AdvancedMdMapping() {
    }

    /**
     * One write: the action, the record kind it stores and the read that lists that kind, and its parameters.
     * {@link #stored()} is what the record must hold afterwards: the content fingerprint and the critical fields.
     */
    record PpmdWrite(String action, String kind, String listAction, Map<String, String> attributes,
                     Map<String, String> children) {
        String xml() {
            return PpmdXml.message(action, "api", attributes, children);
        }

        Map<String, String> stored() {
            Map<String, String> fields = new LinkedHashMap<>(attributes);
            fields.putAll(children);
            return fields;
        }

        /** The stored fields whose value {@code row} (a listed record) lacks or holds differently. */
        List<String> differences(Map<String, String> row) {
            List<String> different = new ArrayList<>();
            stored().forEach((field, value) -> {
                if (!normalize(value).equals(normalize(row.get(field)))) {
                    different.add(field);
                }
            });
            return different;
        }
    }

    /** The record kind an event type is written as, or null when AdvancedMD takes none. */
    static String kind(ClinicalEvent event) {
        return switch (event.type()) {
            case NOTE -> "ehrnote";
            case CONDITION -> "ehrproblem";
            default -> null;
        };
    }

    static PpmdWrite render(ClinicalEvent event, String patientId, String visitId, String providerId) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("patientid", patientId);
        if (event.payload() instanceof NotePayload note) {
            if (visitId != null) {
                a.put("visitid", visitId);
            }
            a.put("providerid", providerId);
            a.put("notedate", date(note.signedAt() != null ? note.signedAt() : event.occurredAt()));
            a.put("title", note.title());
            return new PpmdWrite(visitId != null ? "addehrnotebyvisit" : "addehrnote", "ehrnote", "getehrnotes", a,
                    Map.of("notetext", note.text().strip()));
        }
        if (event.payload() instanceof ConditionPayload c) {
            a.put("code", c.code().code());
            a.put("codetype", codeType(c.code()));
            a.put("description", c.code().display() != null ? c.code().display() : c.code().code());
            if (c.onset() != null) {
                a.put("onsetdate", DATE.format(c.onset()));
            }
            a.put("status", capitalize(c.clinicalStatus()));
            a.put("providerid", providerId);
            return new PpmdWrite("addehrproblem", "ehrproblem", "getehrproblems", a, Map.of());
        }
        throw new IllegalArgumentException("AdvancedMD takes no " + event.type().wireName() + " write");
    }

    private static String codeType(Coding code) {
        return switch (code.system()) {
            case Coding.ICD10CM -> "ICD10";
            case Coding.SNOMED -> "SNOMED";
            default -> code.system();
        };
    }

    private static String date(Instant at) {
        return DATE.format(LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    private static String capitalize(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Listed records carry long text as XML attributes, where a parser turns line breaks into spaces; whitespace
     * runs therefore compare as one space (a changed word still differs).
     */
    private static String normalize(String value) {
        return value == null ? "\u0000absent" : value.strip().replaceAll("\\s+", " ");
    }
}
