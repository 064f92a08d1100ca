package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.intake.EventParser;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.ParseResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Reads back events the gateway stored when it accepted them. Stateless and thread-safe. */
final class StoredEvents {
    // A stored event was valid when accepted; re-reading it must not fail on "occurredAt in the future".
    private static final EventParser PARSER = new EventParser(Clock.offset(Clock.systemUTC(), Duration.ofDays(36500)));

    private StoredEvents() {
    }

    /** The stored canonical body parsed again; invalid when null or no longer parseable. */
    static ParseResult parse(String body) {
        if (body == null) {
            return new ParseResult(null, List.of(new FieldError("", "no stored event")));
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            return PARSER.parse(tree);
        } catch (IOException e) {
            return new ParseResult(null, List.of(new FieldError("", "stored event is not JSON")));
        }
    }
}
