package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.RemoteRef;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A patient's records of one kind as athena lists them, and the comparisons reconciliation and read-back need:
 * whether a record holds a write's content fingerprint (every critical field equal), and which critical fields a
 * record lacks or holds differently. Records created before the event happened cannot be its write and are
 * ignored when looking for it, so an earlier entry with the same content is never taken for this one. Immutable.
 */
final class ChartRecords {
    /** Clock difference tolerated between the app that stamped {@code occurredAt} and athena. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    private final List<JsonNode> rows;
    private final String idField;
    private final ZoneId zone;

    ChartRecords(JsonNode listAnswer, AthenaWrite write, ZoneId zone) {
        List<JsonNode> out = new ArrayList<>();
        listAnswer.path(write.listName()).forEach(out::add);
        this.rows = List.copyOf(out);
        this.idField = write.idField();
        this.zone = zone;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Records created no earlier than {@code since} (less the clock skew) holding every field of {@code expected}. */
    List<RemoteRef> matching(String kind, Map<String, String> expected, Instant since) {
        List<RemoteRef> out = new ArrayList<>();
        for (JsonNode row : rows) {
            Instant created = created(row);
            if (created != null && created.isBefore(since.minus(CLOCK_SKEW))) {
                continue;
            }
            if (differences(expected, row).isEmpty()) {
                out.add(new RemoteRef(kind, row.path(idField).asText(), null));
            }
        }
        return out;
    }

    /** The record with this id, or null. */
    JsonNode byId(String id) {
        return rows.stream().filter(r -> id.equals(r.path(idField).asText())).findFirst().orElse(null);
    }

    /** The fields of {@code expected} that {@code row} lacks or holds differently, in the order expected. */
    static List<String> differences(Map<String, String> expected, JsonNode row) {
        List<String> different = new ArrayList<>();
        expected.forEach((field, value) -> {
            JsonNode actual = row.get(field);
            if (actual == null || actual.isNull() || !value.equals(actual.asText())) {
                different.add(field);
            }
        });
        return different;
    }

    /** athena's {@code createddatetime}: ISO instant, or {@code mm/dd/yyyy hh:mm:ss} in the practice's zone. */
    private Instant created(JsonNode row) {
        String text = row.path("createddatetime").asText(null);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text, AthenaMapping.US_DATE_TIME).atZone(zone).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
