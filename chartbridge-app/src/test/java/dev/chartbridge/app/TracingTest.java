package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenTelemetry tracing (issue #14, item 4), with no exporter configured: a {@code traceparent} sent with an event
 * is the trace of every later step: the EHR simulator receives it on the write, each attempt row of the event
 * carries its trace id (shown by {@code GET /v1/events/{id}}), and the webhook receiver gets it with the
 * notice; the access log names the route template and the trace id, not the request's own path.
 */
class TracingTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static TestGateway gateway;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void start() {
        receiver = new WebhookReceiver(0);
        gateway = TestGateway.start(TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "trace-node",
                TestGateway.fastDelivery(), 4).with(WebhookReceiver.fastLoopback(), null));
        ApiClient.Answer hook = gateway.call("POST", "/v1/webhooks", "{\"url\":\"" + receiver.url("/hooks") + "\"}");
        assertThat(hook.status()).as("%s", hook.body()).isEqualTo(201);
        receiver.secret(hook.body().get("secret").asText());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        receiver.close();
    }

    @Test
    void the_callers_trace_reaches_the_ehr_the_attempt_rows_and_the_webhook() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        JsonNode settled;
        try {
            ApiClient.Answer accepted = gateway.submitWithHeaders(Events.bloodPressure(9301), "traced-1",
                    "traceparent", TRACEPARENT);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(gateway.getWithKey("/health/ready").status()).isEqualTo(200);
            settled = gateway.awaitSettled(accepted.body().get("id").asText());
            assertThat(settled.get("status").asText()).isEqualTo("delivered");
            String eventId = accepted.body().get("id").asText();
            receiver.await(r -> r.answered() == 204 && r.json().path("eventId").asText().equals(eventId)
                    && r.json().path("state").asText().equals("VERIFIED"), Duration.ofSeconds(30));
        } finally {
            System.setErr(originalErr);
        }

        List<RecordedRequest> writes = ehr.simulator().stats().journal().matching("POST", "/fhir/Observation");
        assertThat(writes).isNotEmpty();
        assertThat(writes).allSatisfy(w -> assertThat(w.header("traceparent")).startsWith("00-" + TRACE_ID + "-")
                .doesNotEndWith("-00f067aa0ba902b7-01")); // the gateway's own client span, child of the caller's

        JsonNode attempts = settled.at("/operations/0/attempts");
        assertThat(attempts.size()).isGreaterThanOrEqualTo(2);
        attempts.forEach(a -> assertThat(a.get("traceId").asText()).isEqualTo(TRACE_ID));

        // Every notice about this event (one per state change), each delivery a span of the caller's trace.
        assertThat(receiver.received()).filteredOn(r -> r.json().path("eventId").asText()
                        .equals(settled.get("id").asText()))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(r.traceparent()).startsWith("00-" + TRACE_ID + "-"));

        String logs = captured.toString(StandardCharsets.UTF_8).replace("\\/", "/");
        assertThat(logs.lines().filter(l -> l.contains("chartbridge.access") && l.contains("POST /v1/events 202")
                && l.contains("trace=" + TRACE_ID))).hasSize(1);
        assertThat(logs.lines().filter(l -> l.contains("chartbridge.access") && l.contains("GET /v1/events/{id}")))
                .isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(settled.get("id").asText()));
        assertThat(logs.lines().filter(l -> l.contains("chartbridge.access") && l.contains("/health/ready")))
                .as("an answered probe is not logged at INFO").isEmpty();
    }

    @Test
    void a_request_without_traceparent_gets_one_new_trace_for_its_write_and_its_notices() {
        ApiClient.Answer accepted = gateway.submit(Events.bloodPressure(9302), "untraced-1");
        JsonNode settled = gateway.awaitSettled(accepted.body().get("id").asText());
        JsonNode attempts = settled.at("/operations/0/attempts");
        String first = attempts.get(0).get("traceId").asText();
        assertThat(first).matches("[0-9a-f]{32}").isNotEqualTo("00000000000000000000000000000000");
        attempts.forEach(a -> assertThat(a.get("traceId").asText()).isEqualTo(first));
        String eventId = accepted.body().get("id").asText();
        receiver.await(r -> r.json().path("eventId").asText().equals(eventId)
                && r.json().path("state").asText().equals("VERIFIED"), Duration.ofSeconds(30));
        assertThat(receiver.received()).filteredOn(r -> r.json().path("eventId").asText().equals(eventId))
                .allSatisfy(r -> assertThat(r.traceparent()).startsWith("00-" + first + "-"));
    }
}
