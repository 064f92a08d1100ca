package dev.chartbridge.ehr.epic;

import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.testing.GatewayIdentity;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.epic.EpicSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check of a SMART backend connection (issue #11, item 7): a token, then the server's CapabilityStatement;
 * a client the vendor does not know and a wrong FHIR base are each found down, saying which.
 */
class EpicConnectionCheckTest {
    @RegisterExtension
    static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();
    static GatewayIdentity gateway;

    @BeforeAll
    static void register() {
        gateway = new GatewayIdentity();
        EPIC.simulator().registerClient(EpicTesting.CLIENT, gateway.jwksUrl().toString(), EpicTesting.ALLOWED);
    }

    @AfterAll
    static void close() {
        gateway.close();
    }

    private static ConnectionCheck check(String baseUrl, String clientId) {
        EpicSimulator sim = EPIC.simulator();
        return new EpicAdapter(new Connection("ehr", "epic", baseUrl, sim.tokenUrl(), clientId, null, null, null,
                null, Map.of(), EpicTesting.SUPPORTED, 4, Duration.ofSeconds(5)), gateway.env()).check();
    }

    @Test
    void a_registered_client_on_the_right_base_is_up_with_a_token() {
        ConnectionCheck check = check(EPIC.simulator().baseUrl(), EpicTesting.CLIENT);

        assertThat(check.status()).as(check.detail()).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(check.detail()).contains("FHIR 4.0").contains("token issued");
        assertThat(EPIC.simulator().stats().journal().all()).as("the check read the CapabilityStatement")
                .anyMatch(r -> r.method().equals("GET") && r.pathAndQuery().endsWith("/metadata"));
    }

    @Test
    void an_unknown_client_is_down_for_want_of_a_token() {
        ConnectionCheck check = check(EPIC.simulator().baseUrl(), "not-registered");

        assertThat(check.status()).isEqualTo(ConnectionCheck.Status.DOWN);
        assertThat(check.detail()).startsWith("no token");
    }

    @Test
    void a_wrong_fhir_base_is_down_and_says_so() {
        ConnectionCheck check = check(EPIC.simulator().baseUrl() + "/not-the-base", EpicTesting.CLIENT);

        assertThat(check.status()).isEqualTo(ConnectionCheck.Status.DOWN);
        assertThat(check.detail()).contains("/metadata");
    }
}
