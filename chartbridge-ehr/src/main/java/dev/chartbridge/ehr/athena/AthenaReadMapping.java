package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The explicit mapping from athena's READ shapes to the fields reconciliation and verification compare: each
 * record kind has its own list shape (problems with {@code code} and {@code events}; allergies by
 * {@code allergenid} with {@code reactions}; medications as an array of arrays; encounter vitals grouped vital,
 * attributes, readings; documents in the patient's document list). An answer that is not the documented shape, or
 * a row without its id, throws {@link Unrecognised}: the caller reports it undetermined, never found, absent or
 * verified. Stateless and thread-safe.
 */
final class AthenaReadMapping {

    private AthenaReadMapping() {
    }

    /** A record as athena reads it: its id, when it was created (if the shape says), its status, the compared fields. */
    record Row(String id, Instant created, LocalDate createdOn, Instant modified, String status,
               Map<String, String> fields, JsonNode raw) {
    }

    /** The answer is not a shape the adapter knows; the text says what was missing, never a value. */
    static final class Unrecognised extends Exception {
        Unrecognised(String what) {
            super(what);
        }
    }

    static List<Row> rows(String kind, JsonNode answer) throws Unrecognised {
        return switch (kind) {
            case "problem" -> problems(answer);
            case "allergy" -> allergies(answer);
            case "medication" -> medications(answer);
            case "vitals" -> vitals(answer);
            case "clinicaldocument" -> documents(answer);
            default -> throw new Unrecognised("no read mapping for " + kind);
        };
    }

    /** {@code {problems: [{problemid, code, codeset, events: [{eventtype, startdate, createddate, status?}]}]}}. */
    // evidence: athena.problems.read-shape, athena.problems.status-placement, athena.id.numeric-or-string
    static List<Row> problems(JsonNode answer) throws Unrecognised {
        List<Row> out = new ArrayList<>();
        for (JsonNode p : array(answer, "problems")) {
            Map<String, String> f = new LinkedHashMap<>();
            put(f, "code", p.get("code"));
            put(f, "codeset", p.get("codeset"));
            JsonNode start = null;
            for (JsonNode ev : p.path("events")) {
                if ("START".equals(ev.path("eventtype").asText())) {
                    start = ev;
                }
            }
            if (start != null) {
                put(f, "startdate", start.get("startdate"));
            }
            String status = p.hasNonNull("status") ? p.get("status").asText()
                    : start != null && start.hasNonNull("status") ? start.get("status").asText() : null;
            out.add(new Row(id(p, "problemid"), instant(p.path("createddatetime").asText(null)),
                    date(start == null ? null : start.path("createddate").asText(null)),
                    instant(p.path("lastmodifieddatetime").asText(null)), status, f, p));
        }
        return out;
    }

    /** {@code {allergies: [{allergenid, allergenname, onsetdate, note, reactions: [{reactionname, snomedcode}]}]}}. */
    // evidence: athena.allergies.read-shape
    static List<Row> allergies(JsonNode answer) throws Unrecognised {
        List<Row> out = new ArrayList<>();
        for (JsonNode a : array(answer, "allergies")) {
            Map<String, String> f = new LinkedHashMap<>();
            put(f, "allergenid", a.get("allergenid"));
            put(f, "allergenname", a.get("allergenname"));
            TreeSet<String> codes = new TreeSet<>();
            for (JsonNode r : a.path("reactions")) {
                if (r.hasNonNull("snomedcode")) {
                    codes.add(r.get("snomedcode").asText());
                }
            }
            f.put("reactions", String.join(",", codes));
            out.add(new Row(id(a, "allergenid"), null, null, null, null, f, a));
        }
        return out;
    }

    /** {@code {medications: [[{medicationentryid, medicationid, unstructuredsig, events: [{eventdate, type}]}]]}}. */
    // evidence: athena.medications.read-shape
    static List<Row> medications(JsonNode answer) throws Unrecognised {
        List<Row> out = new ArrayList<>();
        for (JsonNode m : flatten(array(answer, "medications"))) {
            Map<String, String> f = new LinkedHashMap<>();
            put(f, "medicationid", m.get("medicationid"));
            put(f, "unstructuredsig", m.get("unstructuredsig"));
            LocalDate entered = null;
            for (JsonNode ev : m.path("events")) {
                if ("ENTER".equals(ev.path("type").asText())) {
                    entered = date(ev.path("eventdate").asText(null));
                }
            }
            out.add(new Row(id(m, "medicationentryid"), null, entered, null, null, f, m));
        }
        return out;
    }

    /**
     * {@code [{key, readings: [[{vitalid, clinicalelementid, value, readingtaken}]]}]}: vital groups, then
     * attribute readings; the readings' nesting (sets of readings or one flat array) is not fixed by any source, so
     * both are read.
     */
    // evidence: athena.vitals.read-shape, athena.vitals.readings-nesting, athena.vitals.readingtaken-format
    static List<Row> vitals(JsonNode answer) throws Unrecognised {
        if (answer == null || !answer.isArray()) {
            throw new Unrecognised("encounter vitals are not an array of vital groups");
        }
        List<Row> out = new ArrayList<>();
        for (JsonNode group : answer) {
            if (!group.path("readings").isArray()) {
                throw new Unrecognised("a vital group without readings");
            }
            for (JsonNode r : flatten(group.get("readings"))) {
                String taken = r.path("readingtaken").asText("");
                if (!taken.matches("\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}(:\\d{2})?")) {
                    // A date alone (or another form) cannot pin a reading to this write's time.
                    throw new Unrecognised("a reading whose readingtaken is not mm/dd/yyyy hh:mm[:ss]");
                }
                Map<String, String> f = new LinkedHashMap<>();
                put(f, "clinicalelementid", r.get("clinicalelementid"));
                put(f, "value", r.get("value"));
                put(f, "readingtaken", r.get("readingtaken"));
                out.add(new Row(id(r, "vitalid"), null, null, null, null, f, r));
            }
        }
        return out;
    }

    /**
     * Clinical documents in the patient's document list: rows of class {@code CLINICALDOCUMENT}, whose id is the
     * class's own ({@code clinicaldocumentid}) or else {@code documentid} (the recorded rows carry both, equal).
     */
    // evidence: athena.documents.read-shape, athena.documents.class-id
    static List<Row> documents(List<JsonNode> rows) throws Unrecognised {
        List<Row> out = new ArrayList<>();
        for (JsonNode d : rows) {
            if (!"CLINICALDOCUMENT".equals(d.path("documentclass").asText())) {
                continue;
            }
            Map<String, String> f = new LinkedHashMap<>();
            put(f, "documentclass", d.get("documentclass"));
            put(f, "documentsubclass", d.get("documentsubclass"));
            put(f, "internalnote", d.get("internalnote"));
            String id = d.hasNonNull("clinicaldocumentid") ? id(d, "clinicaldocumentid") : id(d, "documentid");
            out.add(new Row(id, instant(d.path("createddatetime").asText(null)), null,
                    instant(d.path("lastmodifieddatetime").asText(null)), d.path("status").asText(null), f, d));
        }
        return out;
    }

    private static List<Row> documents(JsonNode answer) throws Unrecognised {
        List<JsonNode> rows = new ArrayList<>();
        array(answer, "documents").forEach(rows::add);
        return documents(rows);
    }

    private static JsonNode array(JsonNode answer, String name) throws Unrecognised {
        JsonNode a = answer == null ? null : answer.get(name);
        if (a == null || !a.isArray()) {
            throw new Unrecognised("no " + name + " array");
        }
        long total = answer.path("totalcount").asLong(-1);
        if (total > a.size()) {
            throw new Unrecognised(name + ": totalcount " + total + " but " + a.size() + " rows");
        }
        return a;
    }

    /** The objects of an array, whether listed flat or in nested arrays. */
    private static List<JsonNode> flatten(JsonNode array) throws Unrecognised {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isArray()) {
                out.addAll(flatten(n));
            } else if (n.isObject()) {
                out.add(n);
            } else {
                throw new Unrecognised("an array element that is neither a row nor a list of rows");
            }
        }
        return out;
    }

    private static String id(JsonNode row, String field) throws Unrecognised {
        JsonNode id = row.get(field);
        if (id == null || id.isNull() || id.asText().isBlank() || id.isContainerNode()) {
            throw new Unrecognised("a row without " + field);
        }
        return id.asText();
    }

    private static void put(Map<String, String> f, String name, JsonNode value) {
        if (value != null && !value.isNull() && !value.isContainerNode()) {
            f.put(name, value.asText());
        }
    }

    /** An ISO date-time with offset (athena's {@code createddatetime}), or null. */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /** athena's {@code mm/dd/yyyy}, or null. */
    static LocalDate date(String text) {
        try {
            return text == null ? null : LocalDate.parse(text, AthenaMapping.US_DATE);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
