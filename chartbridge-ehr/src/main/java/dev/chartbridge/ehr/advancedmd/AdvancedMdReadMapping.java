package dev.chartbridge.ehr.advancedmd;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How AdvancedMD's reads are asked for and read, in AdvancedMD's read shapes, independent of how the gateway
 * writes. {@code getehrnotes} answers {@code patientnotelist/patientnote} rows whose attributes are the ones the
 * request's template children name, with the template's fields as {@code field} elements below each note (directly
 * or under {@code pagelist/page/fieldlist}); {@code getehrproblems} answers {@code problemlist/problem} rows. A
 * record is read into a flat map: {@code id}, {@code at} (when it was made, as an instant), and its content
 * ({@code field:<name>} per template field; {@code code}, {@code status}, {@code onsetdate} for problems). An
 * answer in any other shape, or a row without an id, is {@link Listing#unrecognised() unrecognised}: it proves
 * neither presence nor absence. Stateless.
 */
// evidence: amd.action.getehrnotes, amd.read.patientnote, amd.read.notedatetime, amd.action.getehrproblems
// evidence: amd.read.problem
final class AdvancedMdReadMapping {
    private static final DateTimeFormatter NOTE_TIME = DateTimeFormatter.ofPattern("M/d/yyyy h:mm[:ss] a", Locale.US);
    private static final String WIDE_FROM = "1/1/1900";
    private static final String WIDE_TO = "1/1/2999";

    private AdvancedMdReadMapping() {
    }

    /** A listing: its records, or why it cannot be read ({@code unrecognised} names what was missing). */
    record Listing(List<Map<String, String>> records, String unrecognised) {
        static Listing of(String why) {
            return new Listing(List.of(), why);
        }
    }

    /** The read that lists a patient's records of {@code kind}. */
    static PpmdRequest request(String kind, String patientId, AdvancedMdSettings settings) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("patientid", patientId);
        if (!AdvancedMdMapping.NOTE.equals(kind)) {
            return PpmdRequest.api("getehrproblems", a);
        }
        a.put("templateid", settings.noteTemplateId());
        a.put("createdfrom", WIDE_FROM);
        a.put("createdto", WIDE_TO);
        a.put("notedatefrom", WIDE_FROM);
        a.put("notedateto", WIDE_TO);
        String template = PpmdXml.element("patientnote", ordered("templatename", "TemplateName",
                "notedatetime", "NoteDateTime", "username", "UserName", "signedbyuser", "SignedByUser"))
                + PpmdXml.element("page", ordered("pagename", "PageName"))
                + PpmdXml.element("field", ordered("fieldname", "FieldName", "value", "Value"));
        return new PpmdRequest("getehrnotes", "api", a, template);
    }

    static Listing read(String kind, Document doc, ZoneId zone) {
        Element results = PpmdXml.results(doc);
        if (results == null) {
            return Listing.of("no <Results success=\"1\">");
        }
        boolean note = AdvancedMdMapping.NOTE.equals(kind);
        String list = note ? "patientnotelist" : "problemlist";
        List<Element> lists = PpmdXml.children(results, list);
        if (lists.size() != 1) {
            return Listing.of("no single <" + list + "> in the answer");
        }
        List<Map<String, String>> records = new ArrayList<>();
        for (Element row : PpmdXml.children(lists.get(0), kind)) {
            Map<String, String> record = note ? note(row, zone) : problem(row);
            if (record == null) {
                return Listing.of("a <" + kind + "> without an id");
            }
            records.add(record);
        }
        return new Listing(records, null);
    }

    private static Map<String, String> note(Element row, ZoneId zone) {
        String id = row.getAttribute("id");
        if (id.isBlank()) {
            return null;
        }
        Map<String, String> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("at", instant(row.getAttribute("notedatetime"), zone));
        record.put("signedbyuser", row.getAttribute("signedbyuser"));
        for (Element field : PpmdXml.descendants(row, "field")) {
            if (!field.getAttribute("fieldname").isEmpty()) {
                record.put("field:" + field.getAttribute("fieldname"), field.getAttribute("value"));
            }
        }
        return record;
    }

    private static Map<String, String> problem(Element row) {
        String id = row.getAttribute("id");
        if (id.isBlank()) {
            return null;
        }
        Map<String, String> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("at", row.hasAttribute("createdat") ? instantOf(row.getAttribute("createdat")) : null);
        for (String a : List.of("code", "codeset", "description", "status", "onsetdate")) {
            if (row.hasAttribute(a)) {
                record.put(a, row.getAttribute(a));
            }
        }
        return record;
    }

    /** A local {@code M/d/yyyy h:mm AM} in the practice's zone as an ISO instant; null when it does not parse. */
    private static String instant(String local, ZoneId zone) {
        try {
            return LocalDateTime.parse(local.trim(), NOTE_TIME).atZone(zone).toInstant().toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String instantOf(String iso) {
        try {
            return Instant.parse(iso).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The expected fields whose value {@code record} lacks or holds differently. Long text is compared with
     * whitespace runs as one space: AdvancedMD keeps field values as attributes, where line breaks may be folded.
     */
    static List<String> differences(Map<String, String> expected, Map<String, String> record) {
        List<String> different = new ArrayList<>();
        expected.forEach((field, value) -> {
            if (!normalize(value).equals(normalize(record.get(field)))) {
                different.add(field);
            }
        });
        return different;
    }

    private static String normalize(String value) {
        return value == null ? "\u0000absent" : value.strip().replaceAll("\\s+", " ");
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
