package dev.chartbridge.core.delivery;

import dev.chartbridge.core.intake.EventParser;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.intake.ParseResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Re-reads an event as stored at intake, for the steps that need it later (delivery, read-back). Thread-safe. */
final class StoredEvents {
    private final EventParser parser;

    StoredEvents(Clock clock) {
        // A stored event was valid when accepted; re-reading it must not fail on "occurredAt in the future".
        this.parser = new EventParser(Clock.offset(clock, Duration.ofDays(36500)));
    }

    /** The stored canonical body parsed again; invalid when null or no longer parseable. */
    ParseResult parse(String body) {
        if (body == null) {
            return new ParseResult(null, List.of(new FieldError("", "no stored event")));
        }
        try {
            return parser.parse(Json.MAPPER.readTree(body));
        } catch (IOException e) {
            return new ParseResult(null, List.of(new FieldError("", "stored event is not JSON")));
        }
    }
}
