package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of writes behind an AdvancedMD office key whose gateway-side budget is far smaller than the burst
 * (2 requests a second): the writes the budget holds back are deferred, not sent, and use up none of the two
 * sends {@code maxSends} allows. Each still reaches the EHR exactly once and verifies.
 */
class DeferredSendsTest {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private static final List<String> PATIENTS = List.of(AdvancedMdSeed.PATIENT_MARIA, AdvancedMdSeed.PATIENT_MARIO,
            AdvancedMdSeed.PATIENT_JAMES);
    private static final int WRITES = 6;
    private static final int MAX_SENDS = 2;

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private static AdvancedMdSimulator sim;
    private static Gateway gateway;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        sim = AdvancedMdSimulator.start();
        Path work = Files.createTempDirectory("deferred");
        Path password = work.resolve("advancedmd-password");
        Files.writeString(password, AdvancedMdSeed.PASSWORD);
        Path key = work.resolve("key");
        Files.writeString(key, TestGateway.KEY);
        GatewayConfig.ConnectionConfig amd = new GatewayConfig.ConnectionConfig(TestGateway.TARGET, "advancedmd",
                sim.partnerLoginUrl(), null, null, null, null, AdvancedMdSeed.USERNAME, null, password.toString(),
                AdvancedMdSeed.OFFICE_KEY, Map.of("appName", AdvancedMdSeed.APP_NAME,
                "requestsPerMinute", "2", "quotaWindowSeconds", "1", "mrnSystem", CHART_SYSTEM),
                null, 4, 5_000L);
        gateway = Gateway.start(new GatewayConfig(
                new GatewayConfig.DatabaseConfig(pg.url(), "postgres", null, null, null, 16),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                new GatewayConfig.DeliveryConfig(MAX_SENDS, 50L, 500L, 3_000L, 100L, true), "deferred-node",
                new GatewayConfig.SecurityConfig(null, work.resolve("master.key").toString()),
                List.of(new GatewayConfig.TenantConfig(TestGateway.TENANT, "Acme", List.of(
                        new GatewayConfig.ApiKeyConfig("tests", null, key.toString(), true)), List.of(amd)))));
        api = new ApiClient(gateway.port(), TestGateway.KEY);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    /** A confirmed problem of the seeded patient {@code n % 3}, distinct from every other by its onset. */
    private static ObjectNode problem(int n) {
        ObjectNode e = Examples.load("condition");
        e.putArray("targets").add(TestGateway.TARGET);
        e.putObject("patient").putArray("identifiers").add(Json.MAPPER.createObjectNode()
                .put("system", CHART_SYSTEM).put("value", "100" + (n % PATIENTS.size() + 1)));
        e.remove("encounter");
        e.with("payload").putObject("code").put("system", "http://hl7.org/fhir/sid/icd-10-cm").put("code", "I10")
                .put("display", "Essential (primary) hypertension");
        e.with("payload").put("verificationStatus", "confirmed")
                .put("onset", Instant.parse("2026-10-01T00:00:00Z").plus(n, ChronoUnit.DAYS).toString().substring(0, 10));
        return e;
    }

    @Test
    void writes_held_back_by_the_gateways_own_budget_are_deferred_not_counted_and_each_lands_once() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
            ApiClient.Answer accepted = api.submit(problem(i), "burst-" + i);
            assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
            ids.add(accepted.body().get("id").asText());
        }

        int mostDeferrals = 0;
        for (String id : ids) {
            JsonNode status = api.await(id, s -> !s.get("status").asText().equals("in-progress"),
                    Duration.ofSeconds(30));
            JsonNode op = status.at("/operations/0");
            assertThat(op.get("state").asText()).as("%s", status).isEqualTo("VERIFIED");
            assertThat(op.get("sends").asInt()).as("%s", status).isEqualTo(1);
            List<String> outcomes = op.get("attempts").findValuesAsText("outcome");
            assertThat(outcomes).as("%s", status).endsWith("verified").contains("created").doesNotContain("dead");
            int deferred = 0;
            for (JsonNode attempt : op.get("attempts")) {
                if (attempt.get("outcome").asText().equals("deferred")) {
                    // identical deferrals in a row are one attempt row with a count of repeats
                    deferred += 1 + attempt.get("repeats").asInt();
                    assertThat(attempt.get("step").asText()).isEqualTo("SEND");
                    assertThat(attempt.get("detail").asText()).startsWith("not sent: RATE_LIMITED [budget]: the"
                            + " gateway's own AdvancedMD request budget for this office key is used up until ");
                }
            }
            mostDeferrals = Math.max(mostDeferrals, deferred);
        }
        // Before deferrals gave their send back, a write held back this often was DEAD without ever being sent.
        assertThat(mostDeferrals).as("deferrals of the most deferred write").isGreaterThanOrEqualTo(MAX_SENDS);
        assertThat(pg.count("SELECT count(*) FROM write_operation WHERE sends <> 1")).isZero();

        // The simulator holds each write once, and received each write request once.
        int stored = PATIENTS.stream().mapToInt(p -> sim.records("problem", p).size()).sum();
        assertThat(stored).isEqualTo(WRITES);
        assertThat(sim.stats().journal().all()).filteredOn(r -> r.bodyText().contains("action=\"addehrproblem\""))
                .hasSize(WRITES);

        // The calls the gateway made are counted per cost class on the gateway's own /metrics.
        String metrics = api.get("/metrics").text();
        assertThat(metrics).containsPattern("chartbridge_advancedmd_calls_total\\{[^}]*tier=\"login\"[^}]*} [1-9]")
                .containsPattern("chartbridge_advancedmd_calls_total\\{[^}]*tier=\"1\"[^}]*} ([6-9]|[1-9][0-9])");
    }
}
