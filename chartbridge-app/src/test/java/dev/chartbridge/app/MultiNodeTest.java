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

/** Several gateway nodes on one database: each write is delivered once, and a dead node's work is taken over. */
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
                TestGateway.Answer answer = gateway.submit(Events.bloodPressure(1000 + i), null);
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
    void a_lease_left_by_a_hung_node_is_taken_over_and_reconciled() {
        GatewayConfig.DeliveryConfig slowLease = new GatewayConfig.DeliveryConfig(6, 50L, 500L, 1_500L, 100L, true);
        ehr.simulator().faults().commitThenTimeout(1.0, 6_000);
        String id;
        try (TestGateway hung = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "hung-node",
                slowLease, 1)) {
            id = hung.submit(Events.bloodPressure(2000), null).body().get("id").asText();
            hung.await(id, s -> s.at("/operations/0/state").asText().equals("IN_FLIGHT"), Duration.ofSeconds(5));
            while (ehr.simulator().resources("Observation").isEmpty()) {
                TestGateway.sleep(20); // the EHR has stored the write; its answer will never come
            }
            ehr.simulator().faults().clear();
            // The hung node's only delivery slot is stuck in the read (timeout 2 s) while its lease (1.5 s) runs
            // out, so it cannot pick the write up again itself: another node must take it over.
            try (TestGateway rescuer = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "rescuer", slowLease, 4)) {
                JsonNode status = rescuer.awaitSettled(id);
                assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
                JsonNode attempts = status.at("/operations/0/attempts");
                assertThat(attempts.findValuesAsText("outcome")).startsWith("recovered", "found", "verified");
                assertThat(attempts.get(0).get("node").asText()).isEqualTo("rescuer");
                TestGateway.sleep(2_500);
                // The hung node's late answer must not have moved anything: its lease is gone.
                assertThat(rescuer.status(id).body().at("/operations/0/state").asText()).isEqualTo("VERIFIED");
            }
        }
        assertThat(ehr.simulator().resources("Observation")).hasSize(1);
        assertThat(pg.count("SELECT count(*) FROM delivery_attempt WHERE node = 'hung-node'")).isZero();
    }
}
