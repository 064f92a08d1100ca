package dev.chartbridge.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-pass canonical writer (issue #17) writes, character for character, what the sorted copy it replaced
 * wrote: stored body hashes and operation keys keep matching new submissions of the same content.
 */
class CanonicalJsonTest {
    @Test
    void every_example_event_and_its_payload_read_as_before() throws Exception {
        for (String type : Examples.TYPES) {
            ObjectNode event = Examples.load(type);
            CanonicalJson.Text text = CanonicalJson.write(event, "payload");
            assertThat(text.text()).as(type).isEqualTo(before(event));
            assertThat(text.member()).as(type).isEqualTo(before(event.get("payload")));
        }
    }

    @Test
    void random_trees_read_as_before() throws Exception {
        Random random = new Random(17);
        for (int i = 0; i < 2_000; i++) {
            String json = Json.MAPPER.writeValueAsString(tree(random, 0));
            JsonNode parsed = Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), new ArrayList<>());
            assertThat(parsed).as(json).isNotNull();
            assertThat(CanonicalJson.write(parsed, "m").text()).as(json).isEqualTo(before(parsed));
        }
    }

    @Test
    void a_missing_member_is_null() {
        assertThat(CanonicalJson.write(Json.MAPPER.createObjectNode().put("a", 1), "payload").member()).isNull();
    }

    /** The canonical form as it was written before issue #17: a sorted copy, serialized by the mapper. */
    private static String before(JsonNode node) throws Exception {
        return Json.MAPPER.writeValueAsString(sorted(node));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(sorted(it.next()));
            }
            return out;
        }
        return node;
    }

    private static final String[] TEXTS = {"", "a", "Zürich", "\"quoted\"", "line\nbreak", "tab\t", "\u0001",
            "emoji \uD83D\uDE00", "</script>", "\\", "€"};
    private static final String[] NUMBERS = {"0", "-0", "1", "-17", "3.14", "1E+3", "1.0e-7", "-0.0",
            "123456789012345678901234567890", "9223372036854775807", "2147483648", "0.10"};

    private static JsonNode tree(Random random, int depth) throws Exception {
        int kind = depth > 3 ? 2 + random.nextInt(4) : random.nextInt(6);
        switch (kind) {
            case 0 -> {
                ObjectNode o = Json.MAPPER.createObjectNode();
                for (int k = random.nextInt(5); k > 0; k--) {
                    o.set(random.nextBoolean() ? "m" : TEXTS[random.nextInt(TEXTS.length)] + k, tree(random, depth + 1));
                }
                return o;
            }
            case 1 -> {
                ArrayNode a = Json.MAPPER.createArrayNode();
                for (int k = random.nextInt(4); k > 0; k--) {
                    a.add(tree(random, depth + 1));
                }
                return a;
            }
            case 2 -> {
                return Json.MAPPER.getNodeFactory().textNode(TEXTS[random.nextInt(TEXTS.length)]);
            }
            case 3 -> {
                return Json.MAPPER.readTree(NUMBERS[random.nextInt(NUMBERS.length)]);
            }
            case 4 -> {
                return Json.MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
            }
            default -> {
                return Json.MAPPER.getNodeFactory().nullNode();
            }
        }
    }
}
