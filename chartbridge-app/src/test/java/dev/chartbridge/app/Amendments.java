package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;

/** Steps the update tests share: write an event and wait for it, then amend it. */
final class Amendments {
    private Amendments() {
    }

    /** An event of {@code type} dated {@code n} seconds after a fixed time, so each test's content is distinct. */
    static ObjectNode event(String type, int n) {
        ObjectNode e = Events.of(type);
        e.put("occurredAt", Instant.parse("2026-11-02T00:00:00Z").plusSeconds(n).toString());
        return e;
    }

    /** The same event amending {@code eventId}, dated a minute later; change its payload before submitting. */
    static ObjectNode amending(ObjectNode original, String eventId) {
        ObjectNode a = original.deepCopy();
        a.put("amends", eventId);
        a.put("occurredAt", Instant.parse(original.get("occurredAt").asText()).plusSeconds(60).toString());
        return a;
    }

    /** Submits, approves a medication change, and waits until the event settles; returns its status. */
    static JsonNode deliver(ApiClient api, ObjectNode event) {
        ApiClient.Answer a = api.submit(event, null);
        if (a.status() != 202) {
            throw new AssertionError("not accepted: " + a.status() + " " + a.text());
        }
        String id = a.body().get("id").asText();
        if ("medication-change".equals(event.get("type").asText())) {
            api.approve(id);
        }
        return api.await(id, s -> !s.get("status").asText().equals("in-progress")
                && !s.get("status").asText().equals("awaiting-approval"), Duration.ofSeconds(30));
    }
}
