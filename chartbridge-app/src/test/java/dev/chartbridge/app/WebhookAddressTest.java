package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.app.config.Secrets;
import dev.chartbridge.core.secret.SecretVault;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.webhook.ReceiverAddressPolicy;
import dev.chartbridge.core.webhook.Webhooks;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks cannot reach inside (issue #15): a gateway with the default configuration (no allowlist) refuses
 * loopback, private, link-local and metadata receivers at registration, with the same words for each, and refuses
 * again at delivery a receiver that got into the database some other way (a name that resolved elsewhere at
 * registration, an allowlist since narrowed). Every receiver here is on loopback: nothing leaves the host.
 */
class WebhookAddressTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;
    static GatewayConfig config;

    @BeforeAll
    static void start() {
        config = TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "guarded-node", TestGateway.fastDelivery(), 8)
                .with(new GatewayConfig.WebhookConfig(2, 50L, 100L, 2_000L), null);
        gateway = TestGateway.start(config);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void a_loopback_private_link_local_or_metadata_url_is_refused_at_registration_and_nothing_is_stored() {
        Set<String> details = new java.util.HashSet<>();
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost:8080/hook", "http://[::1]/hook",
                "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0:8080/", "http://10.0.0.8/hook",
                "http://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
                "http://[fe80::1]/hook", "http://100.64.0.1/hook", "http://224.0.0.1/hook")) {
            ApiClient.Answer a = gateway.call("POST", "/v1/webhooks", "{\"url\":\"" + url + "\"}");
            assertThat(a.status()).as(url).isEqualTo(400);
            assertThat(a.body().get("type").asText()).endsWith("/invalid-webhook");
            assertThat(a.body().get("errors").findValuesAsText("pointer")).as(url).containsExactly("/url");
            details.add(a.body().get("errors").get(0).get("detail").asText());
        }
        assertThat(details).as("one answer for every reason: registration probes nothing").hasSize(1);
        assertThat(gateway.call("GET", "/v1/webhooks", null).body().get("items")).isEmpty();
    }

    @Test
    void a_receiver_that_resolves_inside_at_delivery_is_refused_then_and_never_contacted() throws Exception {
        try (WebhookReceiver inside = new WebhookReceiver(0)) {
            // As if the name had resolved to a public address at registration: registered past the API's check.
            ReceiverAddressPolicy then = new ReceiverAddressPolicy(List.of("127.0.0.0/8"), List.of(),
                    InetAddress::getAllByName);
            SecretVault vault = new SecretVault(gateway.gateway().jdbc(), Secrets.masterKey(config.security()));
            Webhooks.Registered hook = new Webhooks(gateway.gateway().jdbc(), vault, then)
                    .register(TestGateway.TENANT, "test", inside.url("/hooks/rebound"), null);
            inside.secret(hook.secret());

            String eventId = gateway.submit(Events.bloodPressure(7101), null).body().get("id").asText();
            gateway.awaitSettled(eventId);
            List<JsonNode> deliveries = awaitGivenUp(hook.webhook().id().toString());
            assertThat(deliveries).isNotEmpty().allSatisfy(d -> {
                assertThat(d.get("attempts").findValuesAsText("error")).containsOnly("delivery-failed");
                assertThat(d.get("attempts").findValues("httpStatus")).allSatisfy(s -> assertThat(s.isNull()).isTrue());
            });
            // The coarse class only: no address, no port, no exception name for the tenant to read.
            String shown = gateway.call("GET", "/v1/webhooks/" + hook.webhook().id() + "/deliveries", null)
                    .body().toString();
            assertThat(shown).doesNotContain("127.0.0.1", "loopback", "Exception", "refused");
            assertThat(inside.received()).isEmpty();
        }
    }

    private static List<JsonNode> awaitGivenUp(String webhookId) {
        Instant deadline = Instant.now().plusSeconds(30);
        List<JsonNode> items = List.of();
        while (Instant.now().isBefore(deadline)) {
            JsonNode body = gateway.call("GET", "/v1/webhooks/" + webhookId + "/deliveries", null).body();
            items = StreamSupport.stream(body.get("items").spliterator(), false).toList();
            Set<String> states = items.stream().map(d -> d.get("state").asText()).collect(Collectors.toSet());
            if (!items.isEmpty() && states.equals(Set.of("GAVE_UP"))) {
                return items;
            }
            TestGateway.sleep(50);
        }
        throw new AssertionError("deliveries not given up: " + items);
    }
}
