package dev.chartbridge.ehr.athena;

import dev.chartbridge.ehr.athena.AthenaReadMapping.Row;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A patient's records of one kind as athena reads them ({@link AthenaReadMapping.Row}), and the comparisons
 * reconciliation and verification need, both in athena's read field names: which records hold a write's content
 * fingerprint, and which critical fields a record lacks or holds differently. Records created before the event
 * happened cannot be its write and are left out; a record whose read shape carries no creation time cannot be
 * told from an earlier one, and is reported as such so that the caller never calls it found or absent. Immutable.
 */
final class ChartRecords {
    /** Clock difference tolerated between the app that stamped {@code occurredAt} and athena. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    private final List<Row> rows;

    ChartRecords(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    List<Row> rows() {
        return rows;
    }

    /** What a content search found: matching records, and how many of them carry no creation time. */
    record Matches(List<Row> rows, int unstamped) {
    }

    /**
     * Records holding every field of {@code expected}, created no earlier than {@code since} (less the skew; by
     * date where athena gives only a date) when {@code since} is given.
     */
    Matches matching(Map<String, String> expected, Instant since, ZoneId zone) {
        List<Row> out = new ArrayList<>();
        int unstamped = 0;
        for (Row row : rows) {
            if (!differences(expected, row).isEmpty()) {
                continue;
            }
            if (since != null) {
                // A record last changed before the event happened was created before it, too.
                if (row.modified() != null && row.modified().isBefore(since.minus(CLOCK_SKEW))) {
                    continue;
                }
                if (row.created() != null) {
                    if (row.created().isBefore(since.minus(CLOCK_SKEW))) {
                        continue;
                    }
                } else if (row.createdOn() != null) {
                    LocalDate day = since.minus(CLOCK_SKEW).atZone(zone).toLocalDate();
                    if (row.createdOn().isBefore(day)) {
                        continue;
                    }
                } else {
                    unstamped++;
                }
            }
            out.add(row);
        }
        return new Matches(out, unstamped);
    }

    /** The record with this id, or null. */
    Row byId(String id) {
        return rows.stream().filter(r -> id.equals(r.id())).findFirst().orElse(null);
    }

    /**
     * The fields of {@code expected} that {@code row} lacks or holds differently, in the order expected. A vital's
     * {@code value} is compared as a number ({@code 72} and {@code 72.0} are the same reading), its reading time at the
     * precision athena kept.
     */
    static List<String> differences(Map<String, String> expected, Row row) {
        List<String> different = new ArrayList<>();
        expected.forEach((field, value) -> {
            String actual = row.fields().get(field);
            if (actual == null || !(value.equals(actual) || field.equals("value") && sameNumber(value, actual)
                    || field.equals("readingtaken") && sameMinute(value, actual))) {
                different.add(field);
            }
        });
        return different;
    }

    /**
     * A reading time read back without seconds is compared at the minute, the precision athena kept; with seconds
     * it must be equal.
     */
    // evidence: athena.vitals.readingtaken-format
    private static boolean sameMinute(String sent, String read) {
        return read.length() == 16 && sent.length() == 19 && sent.startsWith(read);
    }

    private static boolean sameNumber(String a, String b) {
        try {
            return new BigDecimal(a.trim()).compareTo(new BigDecimal(b.trim())) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
