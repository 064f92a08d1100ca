package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several gateway nodes on one database: each write is delivered once, and a live node keeps its claims however
 * slow the EHR (a dead node's claims are taken over: see {@link KillNineTest}).
 */
class MultiNodeTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    @Test
    void two_nodes_on_one_database_deliver_each_operation_once() {
        ehr.simulator().faults().latency(5);
        List<String> ids = new ArrayList<>();
        try (TestGateway a = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "node-a");
             TestGateway b = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "node-b")) {
            for (int i = 0; i < 120; i++) {
                TestGateway gateway = i % 2 == 0 ? a : b;
                TestGateway.Answer answer = gateway.submit(Events.bloodPressureSpread(1000 + i), null);
                assertThat(answer.status()).isEqualTo(202);
                ids.add(answer.body().get("id").asText());
            }
            for (String id : ids) {
                assertThat(a.awaitSettled(id).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
            }
        }
        assertThat(ehr.simulator().resources("Observation")).hasSize(120);
        assertThat(pg.count("SELECT count(*) FROM delivery_attempt WHERE step = 'SEND'"
                + " AND node IN ('node-a', 'node-b')")).isEqualTo(120);
        assertThat(pg.count("SELECT count(DISTINCT node) FROM delivery_attempt WHERE node IN ('node-a', 'node-b')"))
                .as("both nodes delivered").isEqualTo(2);
        assertThat(pg.count("SELECT count(*) FROM outbox")).isZero();
    }

    @Test
    void a_send_slower_than_the_lease_keeps_its_lease_and_is_never_taken_over() {
        // regression (found by EpicContractTest): a 3 s lease ran out while a slow send was still fetching its
        // token; the operation was taken over, searched for before the create landed, and sent twice.
        GatewayConfig.DeliveryConfig shortLease = new GatewayConfig.DeliveryConfig(6, 50L, 500L, 600L, 100L, true);
        // Sends take 1.5 s: longer than the lease, shorter than these nodes' read timeout (2 s).
        ehr.simulator().faults().latency(1_500, 1_500, true);
        try (TestGateway a = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "slow-a", shortLease, 4, 2_000L);
             TestGateway b = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "slow-b", shortLease, 4, 2_000L)) {
            String id = a.submit(Events.bloodPressure(4000), null).body().get("id").asText();
            JsonNode status = b.awaitSettled(id);
            ehr.simulator().faults().clear();
            assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
            assertThat(status.at("/operations/0/sends").asInt()).isEqualTo(1);
            assertThat(status.at("/operations/0/attempts").findValuesAsText("step")).doesNotContain("RECOVER");
        }
    }
}
