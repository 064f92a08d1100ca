package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the rows of a successful Magic answer: a JSON array whose first element holds the key
 * {@code <action>info} (any casing) with an array of row objects. Anything else (another key, rows that are not
 * objects, no array) is not recognised: {@link #rows} answers null and callers conclude nothing. Stateless.
 */
// evidence: veradigm.unity.answer-shape
final class UnityAnswer {
    private UnityAnswer() {
    }

    /** The rows of {@code action}'s answer, or null when the answer is not in Unity's shape. */
    static List<UnityRow> rows(String action, JsonNode answer) {
        if (answer == null || !answer.isArray() || answer.isEmpty() || !answer.get(0).isObject()) {
            return null;
        }
        JsonNode rows = new UnityRow(answer.get(0)).has(action + "info") ? caseless(answer.get(0), action + "info")
                : null;
        if (rows == null || !rows.isArray()) {
            return null;
        }
        List<UnityRow> out = new ArrayList<>();
        for (JsonNode row : rows) {
            if (!row.isObject()) {
                return null;
            }
            out.add(new UnityRow(row));
        }
        return out;
    }

    private static JsonNode caseless(JsonNode object, String key) {
        var it = object.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }
}
