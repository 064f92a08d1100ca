package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end: an app registers a real receiver on loopback (allowed by this test's configuration only),
 * which checks each request's Standard Webhooks signature and timestamp itself; the status changes of an event's write reach it, the first deliveries it refuses are retried, and
 * every attempt is recorded and audited. A receiver that never answers 2xx sees its deliveries given up (kept).
 */
class WebhookTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;
    static WebhookReceiver receiver;

    @BeforeAll
    static void start() {
        receiver = new WebhookReceiver(2);
        GatewayConfig config = TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "hooks-node",
                TestGateway.fastDelivery(), 8).with(WebhookReceiver.fastLoopback(), null);
        gateway = TestGateway.start(config);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        receiver.close();
    }

    @Test
    void every_state_change_is_delivered_signed_retried_and_recorded() throws Exception {
        JsonNode hook = register(receiver.url("/hooks/chartbridge"), "care-app status feed");
        receiver.secret(hook.get("secret").asText());

        String eventId = gateway.submit(Events.bloodPressure(7001), null).body().get("id").asText();
        JsonNode settled = gateway.awaitSettled(eventId);
        assertThat(settled.get("status").asText()).isEqualTo("delivered");
        String operationId = settled.at("/operations/0/id").asText();

        WebhookReceiver.Received verified = receiver.await(r -> r.answered() == 204
                && r.json().path("state").asText().equals("VERIFIED"), Duration.ofSeconds(20));
        JsonNode notice = verified.json();
        assertThat(notice.get("type").asText()).isEqualTo("operation.state-changed");
        assertThat(notice.get("eventId").asText()).isEqualTo(eventId);
        assertThat(notice.get("operationId").asText()).isEqualTo(operationId);
        assertThat(notice.get("target").asText()).isEqualTo(TestGateway.TARGET);
        assertThat(notice.get("eventStatus").asText()).isEqualTo("delivered");
        assertThat(notice.get("tenantId").asText()).isEqualTo(TestGateway.TENANT);
        assertThat(Instant.parse(notice.get("occurredAt").asText())).isBefore(Instant.now().plusSeconds(1));
        // No PHI: ids, states and codes only.
        assertThat(verified.body()).doesNotContain("Garcia", "systolic", "1001");

        List<JsonNode> deliveries = awaitAllFinished(hook.get("id").asText(), 4);
        Set<String> states = deliveries.stream().map(d -> d.at("/payload/state").asText()).collect(Collectors.toSet());
        assertThat(states).containsExactlyInAnyOrder("DUE", "IN_FLIGHT", "CREATED", "VERIFIED");
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.get("state").asText()).isEqualTo("DELIVERED");
            assertThat(d.get("attemptCount").asInt()).isEqualTo(d.get("attempts").size());
            JsonNode last = d.get("attempts").get(d.get("attempts").size() - 1);
            assertThat(last.get("httpStatus").asInt()).isEqualTo(204);
            assertThat(last.get("node").asText()).isEqualTo("hooks-node");
        });
        List<JsonNode> failed = deliveries.stream().flatMap(d -> StreamSupport.stream(d.get("attempts").spliterator(),
                false)).filter(a -> a.get("httpStatus").asInt() == 503).toList();
        assertThat(failed).hasSize(2).allSatisfy(a -> assertThat(a.get("error").asText()).isEqualTo("http-status"));

        // What the receiver saw: every request signed and fresh; the refused ones came again under the same id.
        List<WebhookReceiver.Received> got = receiver.received().stream()
                .filter(r -> r.path().equals("/hooks/chartbridge")).toList();
        assertThat(got).hasSize(6).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        for (WebhookReceiver.Received refused : got.stream().filter(r -> r.answered() == 503).toList()) {
            assertThat(got).anySatisfy(r -> {
                assertThat(r.deliveryId()).isEqualTo(refused.deliveryId());
                assertThat(r.webhookId()).isEqualTo(refused.webhookId());
                assertThat(r.answered()).isEqualTo(204);
            });
        }
        assertThat(got.stream().map(WebhookReceiver.Received::webhookId).distinct()).hasSize(4);
        // The receiver's check can fail: another secret, an altered body, id or timestamp, a stale time.
        String secret = hook.get("secret").asText();
        Instant now = Instant.now();
        assertThat(WebhookReceiver.verify("whsec_" + Base64.getEncoder().encodeToString(new byte[32]),
                verified.webhookId(), verified.timestamp(), verified.signature(), verified.body(), now)).isFalse();
        assertThat(WebhookReceiver.verify(secret, verified.webhookId(), verified.timestamp(), verified.signature(),
                verified.body().replace("VERIFIED", "REJECTED"), now)).isFalse();
        assertThat(WebhookReceiver.verify(secret, verified.webhookId() + "0", verified.timestamp(),
                verified.signature(), verified.body(), now)).isFalse();
        assertThat(WebhookReceiver.verify(secret, verified.webhookId(), verified.timestamp(), verified.signature(),
                verified.body(), now.plus(Duration.ofMinutes(6)))).isFalse();
        assertThat(WebhookReceiver.verify(secret, verified.webhookId(), verified.timestamp(), verified.signature(),
                verified.body(), now)).isTrue();

        List<String> actions = gateway.status(eventId).body().get("timeline").findValuesAsText("action");
        assertThat(actions.stream().filter(a -> a.equals("webhook.delivered"))).hasSize(4);
        assertThat(actions.stream().filter(a -> a.equals("webhook.retry-scheduled"))).hasSize(2);
        remove(hook.get("id").asText());
    }

    @Test
    void an_approval_releasing_a_held_write_is_a_state_change_with_its_notice() {
        try (WebhookReceiver own = new WebhookReceiver(0)) {
            JsonNode hook = register(own.url("/hooks/approvals"), null);
            own.secret(hook.get("secret").asText());
            ApiClient.Answer accepted = gateway.submit(Events.of("medication-change"), "webhook-med-1");
            String eventId = accepted.body().get("id").asText();
            String operationId = accepted.body().at("/operations/0/id").asText();
            assertThat(gateway.approve(eventId).status()).isEqualTo(200);

            // AWAITING_APPROVAL -> DUE: written by the approval, not by intake or the engine.
            JsonNode released = own.await(r -> r.json().path("operationId").asText().equals(operationId)
                    && r.json().path("state").asText().equals("DUE"), Duration.ofSeconds(20)).json();
            assertThat(released.get("type").asText()).isEqualTo("operation.state-changed");
            assertThat(released.get("eventId").asText()).isEqualTo(eventId);
            assertThat(released.get("eventStatus").asText()).isEqualTo("in-progress");
            assertThat(own.received()).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
            gateway.awaitSettled(eventId);
            remove(hook.get("id").asText());
        }
    }

    @Test
    void a_receiver_that_never_accepts_sees_each_delivery_given_up_after_the_last_attempt() {
        JsonNode hook = register(receiver.url("/hooks/down"), null);
        receiver.secret(hook.get("secret").asText());

        String eventId = gateway.submit(Events.bloodPressure(7002), null).body().get("id").asText();
        gateway.awaitSettled(eventId);

        List<JsonNode> deliveries = awaitAllFinished(hook.get("id").asText(), 4);
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.get("state").asText()).isEqualTo("GAVE_UP");
            assertThat(d.get("attempts").findValuesAsText("error")).containsExactly("http-status", "http-status",
                    "http-status", "http-status");
        });
        assertThat(gateway.status(eventId).body().get("timeline").findValuesAsText("action"))
                .contains("webhook.gave-up");
        remove(hook.get("id").asText());
    }

    @Test
    void the_secret_is_shown_once_and_stored_only_encrypted() {
        JsonNode hook = register(receiver.url("/hooks/listed"), "listed");
        String id = hook.get("id").asText();
        String secret = hook.get("secret").asText();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);

        JsonNode listed = gateway.call("GET", "/v1/webhooks", null).body().get("items");
        assertThat(listed.findValuesAsText("id")).contains(id);
        assertThat(listed.toString()).doesNotContain(secret);
        byte[] stored = gateway.gateway().jdbc().read(c -> {
            try (var ps = c.prepareStatement("SELECT ciphertext FROM secret WHERE name = ?")) {
                ps.setString(1, "webhook/" + id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            }
        });
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6, 30));

        remove(id);
        assertThat(gateway.call("GET", "/v1/webhooks", null).body().get("items").findValuesAsText("id"))
                .doesNotContain(id);
        assertThat(gateway.call("DELETE", "/v1/webhooks/" + id, null).status()).isEqualTo(404);
        List<String> audited = gateway.gateway().jdbc().read(c -> {
            try (var ps = c.prepareStatement("SELECT action FROM audit_entry WHERE detail LIKE ? ORDER BY id")) {
                ps.setString(1, "%" + id + "%");
                try (var rs = ps.executeQuery()) {
                    List<String> out = new java.util.ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                    return out;
                }
            }
        });
        assertThat(audited).containsExactly("webhook.registered", "webhook.removed");
    }

    @Test
    void a_bad_registration_names_the_field_and_stores_nothing() {
        int before = gateway.call("GET", "/v1/webhooks", null).body().get("items").size();
        assertInvalid("{\"url\":\"ftp://example.test/x\"}", "/url");
        assertInvalid("{\"url\":\"/relative/path\"}", "/url");
        assertInvalid("{\"url\":\"https://user:pw@example.test/x\"}", "/url");
        assertInvalid("{\"description\":\"no url\"}", "/url");
        assertInvalid("{\"url\":\"https://example.test/x\",\"description\":7}", "/description");
        assertInvalid("{\"url\":\"https://example.test/x\",\"secret\":\"mine\"}", "/secret");
        assertInvalid("{\"url\":", "");
        assertInvalid("[]", "");
        assertThat(gateway.call("GET", "/v1/webhooks", null).body().get("items").size()).isEqualTo(before);
        assertThat(new ApiClient(gateway.gateway().port(), "cbk_wrong").call("GET", "/v1/webhooks", null).status())
                .isEqualTo(401);
    }

    @Test
    void the_receivers_verifier_accepts_the_reference_vector_of_the_specification() {
        // standard-webhooks/standard-webhooks libraries/python/tests/test_webhooks.py, test_sign_function: a vector
        // made by the reference library, so the verifier here is checked against someone else's signer too.
        assertThat(WebhookReceiver.verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330", "v1a,bm90IHRoaXM= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                "{\"test\": 2432232314}", Instant.ofEpochSecond(1614265330))).isTrue();
    }

    @Test
    void a_filtered_webhook_gets_only_its_types_and_states_and_a_failure_notice_carries_the_error_class() {
        try (WebhookReceiver own = new WebhookReceiver(0)) {
            JsonNode hook = gateway.call("POST", "/v1/webhooks", "{\"url\":\"" + own.url("/hooks/failures")
                    + "\",\"noticeTypes\":[\"operation.state-changed\"],\"states\":[\"REJECTED\",\"VERIFIED\"]}")
                    .body();
            own.secret(hook.get("secret").asText());
            assertThat(hook.get("states").toString()).isEqualTo("[\"REJECTED\",\"VERIFIED\"]");
            assertThat(hook.get("noticeTypes").get(0).asText()).isEqualTo("operation.state-changed");

            ehr.simulator().faults().errorRate(1.0, 400, null, true);
            String rejected = gateway.submit(Events.bloodPressure(7003), null).body().get("id").asText();
            gateway.awaitSettled(rejected);
            ehr.simulator().faults().clear();
            String verified = gateway.submit(Events.bloodPressure(7004), null).body().get("id").asText();
            gateway.awaitSettled(verified);

            JsonNode failure = own.await(r -> r.json().path("eventId").asText().equals(rejected),
                    Duration.ofSeconds(20)).json();
            assertThat(failure.get("state").asText()).isEqualTo("REJECTED");
            assertThat(failure.get("errorClass").asText()).isEqualTo("INVALID");
            own.await(r -> r.json().path("eventId").asText().equals(verified), Duration.ofSeconds(20));
            List<JsonNode> deliveries = awaitAllFinished(hook.get("id").asText(), 2);
            // DUE, IN_FLIGHT and CREATED were filtered out where they were queued: two deliveries, not six.
            assertThat(deliveries).hasSize(2);
            assertThat(deliveries.stream().map(d -> d.at("/payload/state").asText()))
                    .containsExactlyInAnyOrder("REJECTED", "VERIFIED");
            assertThat(own.received()).hasSize(2).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());

            // A change clears the state filter: every state again.
            ApiClient.Answer changed = gateway.call("PATCH", "/v1/webhooks/" + hook.get("id").asText(),
                    "{\"states\":null,\"description\":\"all states\"}");
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.body().get("states").isNull()).isTrue();
            assertThat(changed.body().get("description").asText()).isEqualTo("all states");
            String later = gateway.submit(Events.bloodPressure(7005), null).body().get("id").asText();
            gateway.awaitSettled(later);
            assertThat(awaitAllFinished(hook.get("id").asText(), 6)).hasSize(6);
            remove(hook.get("id").asText());
        }
    }

    @Test
    void a_ping_is_delivered_signed_and_a_finished_delivery_is_resent_under_the_same_webhook_id() {
        try (WebhookReceiver own = new WebhookReceiver(0)) {
            JsonNode hook = register(own.url("/hooks/ping"), null);
            String id = hook.get("id").asText();
            own.secret(hook.get("secret").asText());
            ApiClient.Answer ping = gateway.call("POST", "/v1/webhooks/" + id + "/ping", null);
            assertThat(ping.status()).isEqualTo(202);
            String pingDelivery = ping.body().get("deliveryId").asText();
            WebhookReceiver.Received first = own.await(r -> r.json().path("type").asText().equals("webhook.ping"),
                    Duration.ofSeconds(20));
            assertThat(first.signatureValid()).isTrue();
            assertThat(first.json().get("webhookId").asText()).isEqualTo(id);
            assertThat(first.webhookId()).isEqualTo(pingDelivery);
            awaitAllFinished(id, 1);

            ApiClient.Answer resent = gateway.call("POST", "/v1/webhooks/" + id + "/deliveries/" + pingDelivery
                    + "/resend", null);
            assertThat(resent.status()).isEqualTo(202);
            String resendDelivery = resent.body().get("deliveryId").asText();
            assertThat(resendDelivery).isNotEqualTo(pingDelivery);
            own.await(r -> pingDelivery.equals(r.webhookId()) && resendDelivery.equals(r.deliveryId()),
                    Duration.ofSeconds(20));
            assertThat(own.received()).hasSize(2).allSatisfy(r -> {
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.webhookId()).isEqualTo(pingDelivery);
                assertThat(r.body()).isEqualTo(first.body());
            });
            List<JsonNode> deliveries = awaitAllFinished(id, 2);
            JsonNode repeat = deliveries.stream().filter(d -> d.get("id").asText().equals(resendDelivery))
                    .findFirst().orElseThrow();
            assertThat(repeat.get("resentFrom").asText()).isEqualTo(pingDelivery);
            assertThat(repeat.get("messageId").asText()).isEqualTo(pingDelivery);
            assertThat(repeat.get("state").asText()).isEqualTo("DELIVERED");

            assertThat(gateway.call("POST", "/v1/webhooks/" + id + "/deliveries/" + java.util.UUID.randomUUID()
                    + "/resend", null).status()).isEqualTo(404);
            assertThat(gateway.call("POST", "/v1/webhooks/" + java.util.UUID.randomUUID() + "/ping", null).status())
                    .isEqualTo(404);
            remove(id);
            assertThat(gateway.call("POST", "/v1/webhooks/" + id + "/ping", null).status()).isEqualTo(404);
        }
    }

    @Test
    void bad_filters_and_changes_name_the_field() {
        assertInvalid("{\"url\":\"https://example.test/x\",\"noticeTypes\":[\"operation.created\"]}",
                "/noticeTypes/0");
        assertInvalid("{\"url\":\"https://example.test/x\",\"states\":[\"VERIFIED\",\"DONE\"]}", "/states/1");
        assertInvalid("{\"url\":\"https://example.test/x\",\"states\":[]}", "/states");
        assertInvalid("{\"url\":\"https://example.test/x\",\"states\":\"VERIFIED\"}", "/states");
        JsonNode hook = register(receiver.url("/hooks/changes"), null);
        String id = hook.get("id").asText();
        ApiClient.Answer empty = gateway.call("PATCH", "/v1/webhooks/" + id, "{}");
        assertThat(empty.status()).isEqualTo(400);
        ApiClient.Answer inside = gateway.call("PATCH", "/v1/webhooks/" + id,
                "{\"url\":\"http://169.254.169.254/latest/meta-data/\"}");
        assertThat(inside.status()).isEqualTo(400);
        assertThat(inside.body().get("errors").findValuesAsText("pointer")).containsExactly("/url");
        assertThat(gateway.call("GET", "/v1/webhooks", null).body().toString()).doesNotContain("169.254");
        assertThat(gateway.call("PATCH", "/v1/webhooks/" + java.util.UUID.randomUUID(), "{\"description\":\"x\"}")
                .status()).isEqualTo(404);
        remove(id);
    }

    private static void assertInvalid(String body, String pointer) {
        ApiClient.Answer a = gateway.call("POST", "/v1/webhooks", body);
        assertThat(a.status()).as(body).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.body().get("type").asText()).endsWith("/invalid-webhook");
        assertThat(a.body().get("errors").findValuesAsText("pointer")).as(body).containsExactly(pointer);
    }

    private static JsonNode register(String url, String description) {
        String body = description == null ? "{\"url\":\"" + url + "\"}"
                : "{\"url\":\"" + url + "\",\"description\":\"" + description + "\"}";
        ApiClient.Answer a = gateway.call("POST", "/v1/webhooks", body);
        assertThat(a.status()).as("%s", a.body()).isEqualTo(201);
        assertThat(a.header("Location")).isEqualTo("/v1/webhooks/" + a.body().get("id").asText());
        return a.body();
    }

    private static void remove(String id) {
        assertThat(gateway.call("DELETE", "/v1/webhooks/" + id, null).status()).isEqualTo(204);
    }

    /** The webhook's deliveries once {@code count} exist and none is pending any more. */
    private static List<JsonNode> awaitAllFinished(String webhookId, int count) {
        Instant deadline = Instant.now().plusSeconds(30);
        List<JsonNode> items = List.of();
        while (Instant.now().isBefore(deadline)) {
            JsonNode body = gateway.call("GET", "/v1/webhooks/" + webhookId + "/deliveries", null).body();
            items = StreamSupport.stream(body.get("items").spliterator(), false).toList();
            if (items.size() >= count && items.stream().noneMatch(d -> d.get("state").asText().equals("PENDING"))) {
                return items;
            }
            TestGateway.sleep(50);
        }
        throw new AssertionError("deliveries still pending: " + items);
    }
}
