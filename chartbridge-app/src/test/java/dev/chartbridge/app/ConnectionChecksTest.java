package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections are checked (issue #11, item 7): at start each connection's {@code /metadata} is read; readiness and
 * a gauge per connection report each one's health; a wrong {@code baseUrl} or an unreachable EHR is a WARN at
 * start, names no patient, and does not make the node unready.
 */
class ConnectionChecksTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    @Test
    void each_connection_is_checked_at_start_and_reported_and_a_bad_one_warns_without_failing_readiness()
            throws Exception {
        String base = ehr.simulator().baseUrl();
        // The simulator builds its CapabilityStatement on the first call, which can outlast the 2 s read timeout
        // of the test connections on a busy machine: built once here, the gateway's check reads it like any EHR's.
        assertThat(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "/metadata")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TestGateway gateway = TestGateway.startWith(pg.url(), base, "checks-node", t -> {
            List<GatewayConfig.ConnectionConfig> connections = new ArrayList<>(t.connections());
            connections.add(GatewayConfig.ConnectionConfig.fhir("wrong-base", base + "/not-the-fhir-base", 2, 2_000L));
            connections.add(GatewayConfig.ConnectionConfig.fhir("unreachable", "http://127.0.0.1:9/fhir", 2, 2_000L));
            return new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), connections);
        })) {
            JsonNode ready = awaitChecked(gateway);
            System.setErr(originalErr);

            assertThat(ready.at("/status").asText()).isEqualTo("ready");
            assertThat(ready.at("/connections/acme~1ehr/status").asText()).as(ready.toString()).isEqualTo("up");
            assertThat(ready.at("/connections/acme~1ehr/detail").asText()).contains("FHIR 4.0");
            assertThat(ready.at("/connections/acme~1wrong-base/status").asText()).isEqualTo("down");
            assertThat(ready.at("/connections/acme~1wrong-base/detail").asText()).contains("baseUrl");
            assertThat(ready.at("/connections/acme~1unreachable/status").asText()).isEqualTo("down");
            assertThat(ready.at("/connections/acme~1unreachable/detail").asText()).contains("no answer");

            String metrics = gateway.get("/metrics").text();
            assertThat(metrics).contains("chartbridge_connection_up{connection=\"ehr\",tenant=\"acme\",vendor=\"fhir-r4\"} 1.0")
                    .contains("chartbridge_connection_up{connection=\"wrong-base\",tenant=\"acme\",vendor=\"fhir-r4\"} 0.0")
                    .contains("chartbridge_connection_up{connection=\"unreachable\",tenant=\"acme\",vendor=\"fhir-r4\"} 0.0");

            String logs = captured.toString(StandardCharsets.UTF_8).replace("\\/", "/"); // JSON escapes the slash
            assertThat(logs.lines().filter(l -> l.contains("\"WARN\"") && l.contains("connection acme/wrong-base")))
                    .hasSize(1);
            assertThat(logs.lines().filter(l -> l.contains("\"WARN\"") && l.contains("connection acme/unreachable")))
                    .hasSize(1);
            assertThat(logs).doesNotContain("connection acme/ehr (fhir-r4) is down");
        } finally {
            System.setErr(originalErr);
        }
    }

    /** Readiness once every connection has been checked (the checks run beside the start, not before it). */
    private static JsonNode awaitChecked(TestGateway gateway) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        ApiClient.Answer ready;
        do {
            ready = gateway.get("/health/ready");
            if (ready.status() == 200 && !ready.text().contains("\"pending\"")) {
                return ready.body();
            }
            Thread.sleep(50);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("connections still unchecked: " + ready.text());
    }
}
