package dev.chartbridge.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The published example events (resources {@code examples/v1/*.json}), as editable JSON trees. */
public final class Examples {
    public static final List<String> TYPES = List.of("vitals", "note", "condition", "allergy", "medication-change",
            "follow-up-task", "consent");

    private Examples() {
    }

    public static ObjectNode load(String type) {
        try (InputStream in = Examples.class.getResourceAsStream("/examples/v1/" + type + ".json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(ObjectNode event) {
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
