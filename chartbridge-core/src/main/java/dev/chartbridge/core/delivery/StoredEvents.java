package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.intake.EventParser;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.intake.ParseResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/** Re-reads an event as stored at intake, for the steps that need it later (delivery, read-back). Thread-safe. */
final class StoredEvents {
    private final EventParser parser;

    StoredEvents(Clock clock) {
        // A stored event was valid when accepted; re-reading it must not fail on "occurredAt in the future".
        this.parser = new EventParser(Clock.offset(clock, Duration.ofDays(36500)));
    }

    ParseResult parse(String body) {
        return parser.parse(readTree(body));
    }

    private static JsonNode readTree(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
