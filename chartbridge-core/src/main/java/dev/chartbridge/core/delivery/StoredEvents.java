package dev.chartbridge.core.delivery;

import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Re-reads an event as stored at intake, for the steps that need it later (delivery, read-back). Thread-safe. */
final class StoredEvents {
    private final EventParser parser;

    StoredEvents(Clock clock) {
        // A stored event was valid when accepted; re-reading it must not fail on "occurredAt in the future".
        this.parser = new EventParser(Clock.offset(clock, Duration.ofDays(36500)));
    }

    /**
     * The events of one claim batch, each parsed at most once however many of the batch's operations write it
     * (the parts of one event, such as two readings of one vitals event, are claimed together). Lives as long as
     * the batch's claims run, so it holds at most a batch of events. Thread-safe: the batch's workers share it.
     */
    final class Batch {
        private final Map<UUID, ParseResult> parsed = new ConcurrentHashMap<>();

        /** The event {@code eventId} whose stored body is {@code body}, parsed on first use in the batch. */
        ParseResult parse(UUID eventId, String body) {
            return parsed.computeIfAbsent(eventId, id -> StoredEvents.this.parse(body));
        }
    }

    /** A memo for one claim batch. */
    Batch batch() {
        return new Batch();
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
