package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * One row of a Unity answer, read the way Unity's answers allow: column names case-insensitively (Unity mixes
 * {@code mrn}, {@code Firstname}, {@code LastName} and {@code ID} in one row), values only when they are text or
 * numbers. A value that is an object or array is not recognised ({@link #text} answers null), so an id in another
 * shape can never be taken for a match. Immutable.
 */
// evidence: veradigm.unity.column-casing
record UnityRow(JsonNode node) {

    /** The column's text, or null when it is missing, null, or not a scalar. */
    String text(String column) {
        JsonNode value = value(column);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** The column's text, or {@code ""} when {@link #text} has none. */
    String textOrEmpty(String column) {
        String t = text(column);
        return t == null ? "" : t;
    }

    /** Whether the row has the column at all, in any shape. */
    boolean has(String column) {
        return value(column) != null;
    }

    private JsonNode value(String column) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return null;
    }
}
