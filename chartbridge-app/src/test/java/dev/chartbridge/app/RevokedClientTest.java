package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Epic client the token endpoint refuses (revoked, or never registered): every queued write is deferred, not
 * sent and not counted, and the connection remembers the refusal, so the token endpoint is asked once per backoff
 * window for the connection, not once per write and try (it used to be about 100 requests a minute per write).
 */
class RevokedClientTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    static EpicSimulator epic;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        epic = EpicSimulator.start();
        GatewayConfig c = TestGateway.config(pg.url(), epic.baseUrl(), "revoked", TestGateway.fastDelivery(), 4);
        GatewayConfig.TenantConfig t = c.tenants().get(0);
        // No client is registered with the simulator under this id: its token requests answer invalid_client.
        GatewayConfig.ConnectionConfig connection = new GatewayConfig.ConnectionConfig(TestGateway.TARGET, "epic",
                epic.baseUrl(), epic.tokenUrl(), "chartbridge-revoked", null, null, null, null, null, null, null,
                null, 4, 3_000L);
        gateway = TestGateway.start(new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(), c.security(),
                List.of(new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), List.of(connection)))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        epic.close();
    }

    /** A note for a patient of its own (so no write waits in another's line); nothing gets past the token. */
    private static ObjectNode note(int n) {
        ObjectNode e = Amendments.event("note", n);
        e.putObject("patient").putArray("identifiers").add(Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.MRN_SYSTEM).put("value", "90" + n));
        e.putObject("encounter").set("identifier", Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.CSN_SYSTEM).put("value", EpicSeed.CSN_MARIA_OPEN));
        return e;
    }

    /** Tries made so far by all writes: each deferred attempt row stands for itself and its repeats. */
    private static long deferrals() {
        return pg.count("SELECT coalesce(sum(1 + repeats), 0) FROM delivery_attempt WHERE outcome = 'deferred'");
    }

    @Test
    void a_revoked_client_costs_one_token_request_per_window_for_the_connection_not_one_per_write() {
        Instant started = Instant.now();
        for (int i = 0; i < 6; i++) {
            assertThat(gateway.submit(note(700 + i), "revoked-" + i).status()).isEqualTo(202);
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (deferrals() < 24 && System.nanoTime() < deadline) {
            TestGateway.sleep(50);
        }
        long tries = deferrals();
        long tokenRequests = epic.stats().count(SmartAuth.TOKEN_REQUESTS);
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;

        assertThat(tries).as("tries by 6 writes").isGreaterThanOrEqualTo(24);
        // One request per window for the connection: the windows double from about 2 s, so over any stretch of
        // time there are at most 2 + log2(seconds) of them; a request per try would be at least 24.
        assertThat(tokenRequests).as("token requests over %.1f s for %d tries", seconds, tries)
                .isLessThanOrEqualTo(2 + (long) Math.ceil(Math.log(Math.max(2, seconds)) / Math.log(2)));
        assertThat(pg.count("SELECT count(*) FROM write_operation WHERE sends > 0")).isZero();
        assertThat(epic.stats().journal().all()).filteredOn(r -> r.method().equals("POST")
                && !r.pathAndQuery().contains("token")).isEmpty();
    }
}
