package dev.chartbridge.core.intake;

import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/events.md shows one full example per type, and each is exactly the published (and tested) example. */
class EventDocsTest {
    @Test
    void the_documented_examples_are_the_published_ones() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "events.md"));
        Matcher m = Pattern.compile("### `([a-z-]+)`.*?```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            documented.add(m.group(1));
            assertThat(Json.MAPPER.readTree(m.group(2))).as(m.group(1)).isEqualTo(Examples.load(m.group(1)));
        }
        assertThat(documented).containsExactlyElementsOf(Examples.TYPES);
    }
}
