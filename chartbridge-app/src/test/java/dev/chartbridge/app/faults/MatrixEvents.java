package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.testing.Examples;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The matrix's events: the published examples, aimed at one vendor and patient, each made distinct clinical
 * content by its number {@code n} (time, values, text, a condition's onset, a dose), so that no two are the same
 * write and a content search has one right answer where the vendor keeps the distinguishing field.
 */
final class MatrixEvents {
    private MatrixEvents() {
    }

    static ObjectNode event(String type, int n, String target, Lane.Patient patient, Instant base) {
        ObjectNode e = Examples.load(type);
        e.putArray("targets").add(target);
        e.putObject("patient").putArray("identifiers").add(patient.identifier().deepCopy());
        e.putObject("encounter").set("identifier", patient.encounter().deepCopy());
        Instant at = base.plusSeconds(60L * n);
        e.put("occurredAt", at.toString());
        ObjectNode payload = e.with("payload");
        switch (type) {
            case "vitals" -> {
                ArrayNode measurements = (ArrayNode) payload.get("measurements");
                measurements.remove(1);
                ((ObjectNode) measurements.get(0)).put("systolic", 90 + n % 100).put("diastolic", 50 + (n / 100) % 40);
            }
            case "note" -> payload.put("title", "Follow-up visit " + n).put("signedAt", at.plusSeconds(30).toString())
                    .put("text", "Matrix note " + n + ". Assessment: hypertension, improving. Plan: recheck.");
            case "condition" -> payload.put("note", "Elevated readings, matrix case " + n + ".")
                    .put("onset", LocalDate.ofInstant(base, ZoneOffset.UTC).minusDays(1 + n).toString());
            case "medication-change" -> {
                payload.put("reason", "Hypertension, matrix case " + n);
                payload.with("dose").put("value", 1 + n % 250);
            }
            case "follow-up-task" -> payload.put("description", "Book a blood pressure recheck, matrix case " + n + ".");
            default -> {
                // allergy: distinct by its time only; a content search that cannot tell two apart must say so
            }
        }
        return e;
    }
}
