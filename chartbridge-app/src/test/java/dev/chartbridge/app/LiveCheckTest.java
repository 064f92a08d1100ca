package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live connection check (issue #14, item 5), through {@code GET /v1/connections/{name}/check} and
 * {@code chartbridge check}: the generic FHIR simulator passes (capabilities, test read); once its published
 * CapabilityStatement stops declaring a write the profile relies on, the check fails naming it; a wrong
 * {@code baseUrl} fails at the first item.
 */
class LiveCheckTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static TestGateway gateway;
    private static GatewayConfig config;

    @BeforeAll
    static void start() {
        String base = ehr.simulator().baseUrl();
        GatewayConfig c = TestGateway.config(pg.url(), base, "check-node", TestGateway.fastDelivery(), 2);
        GatewayConfig.TenantConfig t = c.tenants().get(0);
        List<GatewayConfig.ConnectionConfig> connections = new ArrayList<>();
        connections.add(new GatewayConfig.ConnectionConfig(TestGateway.TARGET, "fhir-r4", base, null, null, null,
                null, null, null, null, null, Map.of("testPatient", SeedData.PATIENT_MARIA), null, 2, 5_000L));
        connections.add(GatewayConfig.ConnectionConfig.fhir("wrong-base", base + "/not-the-fhir-base", 2, 5_000L));
        connections.add(new GatewayConfig.ConnectionConfig("no-such-patient", "fhir-r4", base, null, null, null,
                null, null, null, null, null, Map.of("testPatient", "no-such-patient"), null, 2, 5_000L));
        config = new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(), c.security(), List.of(
                new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), connections), c.tenants().get(1)));
        gateway = TestGateway.start(config);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @AfterEach
    void restoreStatement() {
        ehr.simulator().withdrawn().clear();
    }

    @Test
    void a_healthy_fhir_server_passes_every_item() {
        JsonNode report = check("ehr");
        assertThat(report.get("verdict").asText()).as(report.toString()).isEqualTo("PASS");
        assertThat(names(report)).containsExactly("metadata", "writes", "test-read");
        assertThat(item(report, "writes").get("detail").asText()).contains("Observation.create");
    }

    @Test
    void a_write_the_server_no_longer_declares_fails_naming_it() throws Exception {
        HttpResponse<String> withdrawn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(ehr.simulator().controlUrl() + "/capabilities/withdrawn"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"interaction\":\"Observation.create\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withdrawn.statusCode()).isEqualTo(200);

        JsonNode report = check("ehr");
        assertThat(report.get("verdict").asText()).isEqualTo("FAIL");
        JsonNode writes = item(report, "writes");
        assertThat(writes.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(writes.get("detail").asText()).contains("no longer declares Observation.create (vitals)")
                .doesNotContain("DocumentReference.create (note)");
    }

    @Test
    void a_wrong_base_url_fails_at_the_first_item() {
        JsonNode report = check("wrong-base");
        assertThat(report.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(names(report)).containsExactly("metadata");
        assertThat(item(report, "metadata").get("detail").asText()).contains("baseUrl");
    }

    @Test
    void a_test_patient_the_server_does_not_have_fails_the_read() {
        JsonNode report = check("no-such-patient");
        assertThat(item(report, "test-read").get("verdict").asText()).isEqualTo("FAIL");
        assertThat(item(report, "test-read").get("detail").asText()).contains("404");
    }

    @Test
    void an_unknown_connection_is_404_and_an_app_key_is_refused() {
        assertThat(gateway.admin().getWithKey("/v1/connections/nope/check").status()).isEqualTo(404);
        assertThat(new ApiClient(gateway.gateway().port(), TestGateway.APP_KEY)
                .getWithKey("/v1/connections/ehr/check").status()).isEqualTo(403);
    }

    @Test
    void the_command_prints_each_item_and_exits_by_the_worst_verdict() {
        assertThat(runCommand("acme", "ehr")).isZero();
        assertThat(lastOutput).contains("acme/ehr (fhir-r4): PASS").contains("PASS  metadata");

        assertThat(runCommand("acme", "wrong-base")).isEqualTo(1);
        assertThat(lastOutput).contains("FAIL  metadata");

        assertThat(runCommand("acme", "nothing-of-that-name")).isEqualTo(2);
    }

    private String lastOutput;

    private int runCommand(String tenant, String connection) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LiveChecks.run(config, tenant, connection, new PrintStream(out, true, StandardCharsets.UTF_8));
        lastOutput = out.toString(StandardCharsets.UTF_8);
        return exit;
    }

    private static JsonNode check(String connection) {
        ApiClient.Answer answer = gateway.admin().getWithKey("/v1/connections/" + connection + "/check");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.body();
    }

    private static List<String> names(JsonNode report) {
        return StreamSupport.stream(report.get("items").spliterator(), false).map(i -> i.get("name").asText())
                .toList();
    }

    private static JsonNode item(JsonNode report, String name) {
        return StreamSupport.stream(report.get("items").spliterator(), false)
                .filter(i -> i.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no item " + name + " in " + report));
    }
}
