package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Regressions found by the fuzz benchmark (issue #7): each once crashed intake or let bad text through. */
class FuzzFindingsTest {
    private final EventParser parser = new EventParser(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"),
            ZoneOffset.UTC));

    @Test
    void a_medication_code_of_the_wrong_type_is_a_field_error_not_a_crash() {
        ObjectNode event = Examples.load("medication-change");
        ((ObjectNode) event.at("/payload/medication")).putObject("code").put("value", "x");

        ParseResult result = parser.parse(event);

        assertThat(result.isValid()).isFalse();
        assertThat(result.errors()).extracting(FieldError::pointer).containsExactly("/payload/medication/code");
    }

    @Test
    void an_unpaired_surrogate_in_free_text_is_refused_with_its_pointer() {
        ObjectNode event = Examples.load("note");
        ((ObjectNode) event.get("author")).put("name", "Ada \ud800 Park");
        ((ObjectNode) event.get("payload")).put("text", "ends badly \udfff");

        ParseResult result = parser.parse(event);

        assertThat(result.errors()).extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/author/name", "/payload/text");
    }

    @Test
    void a_properly_paired_surrogate_is_still_accepted() {
        ObjectNode event = Examples.load("note");
        ((ObjectNode) event.get("author")).put("name", "Ada Park \ud83d\ude00");

        assertThat(parser.parse(event).errors()).isEmpty();
    }
}
