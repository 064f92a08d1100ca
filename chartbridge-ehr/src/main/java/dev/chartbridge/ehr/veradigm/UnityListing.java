package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A patient's records of one kind as Unity lists them in its read shape ({@link UnityReadShapes}), grouped by
 * record id (a vitals set is several rows sharing one transid). Rows the gateway cannot read (no id, no section,
 * no patient where the listing needs one) are not dropped silently: they make the listing {@code unreadable}, so
 * that nothing is concluded absent while one of them could be the record. Immutable.
 *
 * @param error      why there is no listing (the call failed, or the answer was not in Unity's shape), else null
 * @param retryAfter the wait a refused listing asked for, or null
 */
record UnityListing(String kind, List<Entry> entries, boolean unreadable, VendorError error, Exchange exchange,
                    Duration retryAfter) {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.US);

    /** One record: its id, its rows, and the day it was entered (null when the date cannot be read). */
    record Entry(String id, List<UnityRow> rows, LocalDate day) {
    }

    // evidence: veradigm.read.displaydate, veradigm.read.clinical-summary, veradigm.read.task-list, veradigm.read.documents
    static UnityListing of(UnityClient client, String kind, String patientId, LocalDate since) {
        UnityReadShapes.Shape shape = UnityReadShapes.shape(kind);
        UnityClient.Call call = client.magic(shape.action(), patientId, UnityReadShapes.listingParameters(kind, since));
        Exchange exchange = new Exchange("POST MagicJson " + shape.action(), null, UnityOutcomes.status(call));
        List<UnityRow> rows = PatientContext.rows(call, shape.action());
        if (rows == null) {
            boolean odd = UnityOutcomes.status(call) == 200 && call instanceof UnityClient.Sent s
                    && s.reply() instanceof UnityTransport.Answer a && a.unityError() == null;
            VendorError error = odd ? new VendorError(ErrorClass.UNKNOWN, "unrecognised-answer", shape.action()
                    + " answered in a shape the gateway does not recognise") : UnityOutcomes.error(call);
            return new UnityListing(kind, List.of(), true, error, exchange, UnityOutcomes.retryAfter(call));
        }
        Map<String, List<UnityRow>> byId = new LinkedHashMap<>();
        boolean unreadable = false;
        for (UnityRow row : rows) {
            if (shape.section() != null) {
                String section = row.text("section");
                if (section == null) {
                    unreadable = true;
                    continue;
                }
                if (!section.strip().equalsIgnoreCase(shape.section())) {
                    continue;
                }
            }
            if (shape.patientColumn() != null) {
                String patient = row.text(shape.patientColumn());
                if (patient == null) {
                    unreadable = true;
                    continue;
                }
                if (!patient.strip().equals(patientId)) {
                    continue;
                }
            }
            String id = row.text(shape.idColumn());
            if (id == null || id.isBlank()) {
                unreadable = true;
                continue;
            }
            byId.computeIfAbsent(id.strip(), k -> new ArrayList<>()).add(row);
        }
        List<Entry> entries = new ArrayList<>();
        byId.forEach((id, group) -> entries.add(new Entry(id, List.copyOf(group),
                day(group.get(0).text(shape.dateColumn())))));
        return new UnityListing(kind, List.copyOf(entries), unreadable, null, exchange, null);
    }

    /** The entry with this id, or null. */
    Entry entry(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }

    /** The expected read columns {@code entry} lacks or holds differently (vitals: reading names). */
    // evidence: veradigm.read.summary-vitals, veradigm.read.summary-problems, veradigm.read.summary-medications
    List<String> differences(Map<String, String> expected, Entry entry) {
        List<String> different = new ArrayList<>();
        if (kind.equals("vitals")) {
            expected.forEach((name, reading) -> {
                String detail = entry.rows().stream().filter(r -> name.equalsIgnoreCase(r.textOrEmpty("description")
                        .strip())).map(r -> r.text("detail")).findFirst().orElse(null);
                if (detail == null || !sameReading(reading, detail)) {
                    different.add(name);
                }
            });
            return different;
        }
        UnityRow row = entry.rows().get(0);
        expected.forEach((column, value) -> {
            String seen = row.text(column);
            if (seen == null || !seen.strip().equalsIgnoreCase(value.strip())) {
                different.add(column);
            }
        });
        return different;
    }

    /** "146" and "146.0", "99.0 F" and "99 F" are the same reading; units compare as text. */
    private static boolean sameReading(String expected, String seen) {
        String[] e = expected.strip().split("\\s+", 2);
        String[] s = seen.strip().split("\\s+", 2);
        try {
            if (new BigDecimal(e[0]).compareTo(new BigDecimal(s[0])) != 0) {
                return false;
            }
        } catch (NumberFormatException ex) {
            return false;
        }
        return e.length == 1 ? s.length == 1 : s.length == 2 && e[1].equalsIgnoreCase(s[1]);
    }

    private static LocalDate day(String text) {
        if (text == null || text.strip().length() < 11) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip().substring(0, 11), DAY);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
