package dev.chartbridge.app;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.net.http.HttpRequest;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges of access (issue #15): failed authentications are throttled per client address, and {@code /metrics}
 * asks for its token when one is configured.
 */
class AccessEdgesTest {
    private static final String METRICS_TOKEN = "metrics-token-for-tests-7Hq2Lz9";
    private static final int FAILURES_PER_MINUTE = 3;

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        GatewayConfig c = TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "edges-node",
                TestGateway.fastDelivery(), 4);
        gateway = TestGateway.start(c.with(new GatewayConfig.AccessConfig(null,
                TestGateway.secretFile(METRICS_TOKEN).toString(), FAILURES_PER_MINUTE)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static ApiClient.Answer metrics(String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/metrics"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return gateway.send(b.GET().build());
    }

    @Test
    void metrics_need_the_configured_token() {
        assertThat(metrics(null).status()).isEqualTo(401);
        assertThat(metrics("Bearer " + TestGateway.KEY).status()).as("a tenant key is not the metrics token")
                .isEqualTo(401);
        ApiClient.Answer scraped = metrics("Bearer " + METRICS_TOKEN);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.text()).contains("jvm_memory");
    }

    @Test
    void failed_authentications_are_throttled_and_logged_by_prefix_but_a_key_already_verified_still_works() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("dev.chartbridge.app.http.RequestAuth");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        assertThat(gateway.getWithKey("/v1/capabilities").status()).isEqualTo(200);
        ApiClient wrong = new ApiClient(gateway.gateway().port(), "cbk_wrongkey_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5");
        for (int i = 0; i < FAILURES_PER_MINUTE; i++) {
            assertThat(wrong.getWithKey("/v1/capabilities").status()).isEqualTo(401);
        }
        ApiClient.Answer throttled = wrong.getWithKey("/v1/capabilities");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(throttled.body().get("type").asText()).endsWith("/too-many-failed-authentications");
        assertThat(gateway.getWithKey("/v1/capabilities").status()).as("verified within 30 s").isEqualTo(200);
        log.detachAppender(logged);
        List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSize(FAILURES_PER_MINUTE);
        assertThat(lines).allMatch(l -> l.contains("key cbk_wrongkey") && !l.contains("A1b2C3d4"));
        assertThat(lines.get(FAILURES_PER_MINUTE - 1)).contains("refused (429)");
    }

    @Test
    void a_large_body_refused_before_it_is_read_still_gets_its_answer_not_a_reset() {
        byte[] body = new byte[900_000];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        for (int i = 0; i < 30; i++) {
            ApiClient.Answer refused = gateway.submit(body, "application/json", "large-" + i,
                    TestGateway.REVIEWER_KEY);
            // 403 (a reviewer key may not submit), or 429 when another test of the class used up the address's
            // failed authentications: either way an answer, read whole.
            assertThat(refused.status()).as("answer %d", i).isIn(403, 429);
            assertThat(refused.body().get("type").asText()).matches(".*/(role-required|too-many-failed-authentications)");
        }
        assertThat(pg.count("SELECT count(*) FROM clinical_event")).isZero();
    }
}
