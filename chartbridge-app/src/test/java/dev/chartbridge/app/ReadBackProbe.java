package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What read-back tests look at, in one place: the event as the API shows it, the watch row and change ledger in
 * the database, and the notices a webhook receiver got (registered here, signature checked by the receiver).
 */
final class ReadBackProbe {
    private final TestGateway gateway;
    private final WebhookReceiver receiver;

    ReadBackProbe(TestGateway gateway, WebhookReceiver receiver) {
        this.gateway = gateway;
        this.receiver = receiver;
        ApiClient.Answer hook = gateway.call("POST", "/v1/webhooks",
                "{\"url\":\"" + receiver.url("/hooks/readback") + "\"}");
        assertThat(hook.status()).isEqualTo(201);
        receiver.secret(hook.body().get("secret").asText());
    }

    /** Submits the event and waits until it is delivered; returns its id. */
    String delivered(ObjectNode event) {
        ApiClient.Answer accepted = gateway.submit(event, null);
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.body().get("id").asText();
        assertThat(gateway.awaitSettled(id).get("status").asText()).isEqualTo("delivered");
        return id;
    }

    /** How many times the watcher has re-read the operation's record. */
    int reads(String operationId) {
        return count("SELECT coalesce(max(reads), 0) FROM readback_watch WHERE operation_id = ?", operationId);
    }

    /** How many changes the ledger holds for the operation. */
    int changes(String operationId) {
        return count("SELECT count(*) FROM remote_change WHERE operation_id = ?", operationId);
    }

    void awaitReads(String operationId, int atLeast) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (reads(operationId) < atLeast) {
            assertThat(Instant.now()).as("re-reads of %s", operationId).isBefore(deadline);
            TestGateway.sleep(50);
        }
    }

    /** The event's first operation's {@code n}th remote change as GET /v1/events/{id} shows it. */
    JsonNode awaitChange(String eventId, int n) {
        JsonNode changes = gateway.await(eventId, s -> s.at("/operations/0/remoteChanges").size() >= n,
                Duration.ofSeconds(20)).at("/operations/0/remoteChanges");
        return changes.get(n - 1);
    }

    /** The remote-change notices the receiver got for the event. */
    List<JsonNode> remoteNotices(String eventId) {
        return receiver.received().stream().map(WebhookReceiver.Received::json)
                .filter(j -> j.path("type").asText().equals("operation.remote-changed")
                        && j.path("eventId").asText().equals(eventId)).toList();
    }

    /** Waits for the signed, accepted notice of this change to the event. */
    JsonNode awaitNotice(String eventId, String change) {
        WebhookReceiver.Received r = receiver.await(x -> x.answered() == 204
                && x.json().path("type").asText().equals("operation.remote-changed")
                && x.json().path("eventId").asText().equals(eventId)
                && x.json().path("change").asText().equals(change), Duration.ofSeconds(20));
        assertThat(r.signatureValid()).isTrue();
        return r.json();
    }

    /** The newest timeline entry of the action. */
    static JsonNode lastTimeline(JsonNode event, String action) {
        return StreamSupport.stream(event.get("timeline").spliterator(), false)
                .filter(e -> e.get("action").asText().equals(action)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + action + " in " + event.get("timeline")));
    }

    private int count(String sql, String operationId) {
        return gateway.gateway().jdbc().read(c -> {
            try (var ps = c.prepareStatement(sql)) {
                ps.setObject(1, UUID.fromString(operationId));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
