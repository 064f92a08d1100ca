package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.athena.AthenaEnvironment;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import dev.chartbridge.ehr.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens: one per connection for many concurrent writes, one refresh when athena refuses it, least scope. */
class AthenaTokenTest {
    @RegisterExtension
    static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

    @Test
    void twenty_concurrent_sends_ask_for_one_token() throws Exception {
        AthenaSimulator sim = SIM.simulator();
        sim.environment(AthenaEnvironment.PRODUCTION); // 20 writes in a second exceed preview's 20 calls/s
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<SendOutcome>> sends = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                sends.add(pool.submit(() -> adapter.send(AthenaFixture.write("condition"))));
            }
            for (Future<SendOutcome> f : sends) {
                assertThat(f.get()).isInstanceOf(SendOutcome.Created.class);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sim.stats().count("tokenRequests")).isEqualTo(1);
        assertThat(sim.stats().journal().matching("POST", "/oauth2/v1/token")).hasSize(1);
        assertThat(sim.records("problem", AthenaFixture.MARIA)).hasSize(20);
    }

    @Test
    void the_token_asks_for_the_mdp_scope_only_with_the_secret_in_basic_auth() {
        AthenaSimulator sim = SIM.simulator();
        AthenaFixture.adapter(sim).send(AthenaFixture.write("condition"));
        RecordedRequest token = sim.stats().journal().matching("POST", "/oauth2/v1/token").get(0);
        assertThat(token.header("authorization")).isEqualTo("Basic");
        assertThat(URLDecoder.decode(token.bodyText(), StandardCharsets.UTF_8))
                .isEqualTo("grant_type=client_credentials&scope=athena/service/Athenanet.MDP.*");
    }

    @Test
    void a_token_revoked_mid_flight_costs_one_refresh_and_one_retry() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        assertThat(adapter.send(AthenaFixture.write("condition"))).isInstanceOf(SendOutcome.Created.class);
        sim.expireTokensNow();

        SendOutcome second = adapter.send(AthenaFixture.write("note"));

        assertThat(second).isInstanceOf(SendOutcome.Created.class);
        assertThat(sim.stats().count("tokenRequests")).isEqualTo(2);
        // the patient lookup was cached, so the refused call was the write itself: sent twice, stored once
        assertThat(AthenaFixture.writes(sim).stream()
                .filter(r -> r.pathAndQuery().endsWith("/clinicaldocument")).count()).isEqualTo(2);
        assertThat(sim.records("clinicaldocument", AthenaFixture.MARIA)).hasSize(1);
    }

    /**
     * athena limits new-token requests per minute (5 preview, 50 production): tokens refused again and again never
     * make the adapter ask faster than its budget; past it the write waits, unsent, instead of hitting the limit.
     */
    @Test
    void refused_tokens_never_make_the_adapter_ask_for_more_than_its_budget_a_minute() {
        AthenaSimulator sim = SIM.simulator();
        Connection c = AthenaFixture.connection(sim, Duration.ofSeconds(2));
        java.util.Map<String, String> settings = new java.util.HashMap<>(c.settings());
        settings.put("tokenRequestsPerMinute", "2");
        AthenaAdapter adapter = new AthenaAdapter(new Connection(c.name(), c.vendor(), c.baseUrl(), c.tokenUrl(),
                c.clientId(), c.clientSecret(), null, null, c.practiceId(), settings, c.enabledEventTypes(),
                c.maxConcurrency(), c.readTimeout()), null);
        assertThat(adapter.send(AthenaFixture.write("condition"))).isInstanceOf(SendOutcome.Created.class);
        sim.expireTokensNow();
        assertThat(adapter.send(AthenaFixture.write("condition"))).isInstanceOf(SendOutcome.Created.class);
        sim.expireTokensNow();

        SendOutcome third = adapter.send(AthenaFixture.write("condition"));

        assertThat(third).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(((SendOutcome.Retryable) third).notSent()).isTrue();
        assertThat(((SendOutcome.Retryable) third).error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(sim.stats().count("tokenRequests")).isEqualTo(2);
        assertThat(sim.records("problem", AthenaFixture.MARIA)).hasSize(2);
    }

    @Test
    void a_rate_limited_token_endpoint_makes_the_send_retryable_and_nothing_reaches_the_chart() {
        AthenaSimulator sim = SIM.simulator();
        sim.limits(1, 20, 50_000);
        assertThat(AthenaFixture.adapter(sim).send(AthenaFixture.write("condition")))
                .isInstanceOf(SendOutcome.Created.class);

        SendOutcome second = AthenaFixture.adapter(sim).send(AthenaFixture.write("condition"));

        assertThat(second).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(((SendOutcome.Retryable) second).error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(((SendOutcome.Retryable) second).error().vendorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(AthenaFixture.posts(sim)).isEqualTo(1);
        assertThat(sim.records("problem", AthenaFixture.MARIA)).hasSize(1);
    }

    @Test
    void an_unreachable_token_endpoint_makes_the_send_retryable() {
        AthenaSimulator sim = SIM.simulator();
        Connection c = AthenaFixture.connection(sim, Duration.ofSeconds(2));
        Connection down = new Connection(c.name(), c.vendor(), c.baseUrl(), "http://127.0.0.1:1/oauth2/v1/token",
                c.clientId(), c.clientSecret(), null, null, c.practiceId(), c.settings(), c.enabledEventTypes(),
                c.maxConcurrency(), c.readTimeout());

        SendOutcome outcome = new AthenaAdapter(down, null).send(AthenaFixture.write("condition"));

        assertThat(outcome).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(((SendOutcome.Retryable) outcome).error().errorClass()).isEqualTo(ErrorClass.TRANSIENT);
        assertThat(sim.stats().journal().all()).isEmpty();
    }

    @Test
    void a_connection_check_needs_a_token_once_and_names_a_refused_client_without_a_credential() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);

        ConnectionCheck first = adapter.check();
        ConnectionCheck again = adapter.check();

        assertThat(first.status()).as("%s", first).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(again.status()).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(sim.stats().count("tokenRequests")).as("the second check answers from the cached token")
                .isEqualTo(1);
        assertThat(sim.stats().journal().all()).as("a check reads no chart").allMatch(r -> r.pathAndQuery()
                .startsWith("/oauth2/"));

        Connection wrong = AthenaFixture.connection(sim, Duration.ofSeconds(2));
        ConnectionCheck refused = new AthenaAdapter(new Connection(wrong.name(), wrong.vendor(), wrong.baseUrl(),
                wrong.tokenUrl(), wrong.clientId(), "not-the-secret", null, null, wrong.practiceId(), wrong.settings(),
                wrong.enabledEventTypes(), 8, Duration.ofSeconds(2)), null).check();
        assertThat(refused.status()).isEqualTo(ConnectionCheck.Status.DOWN);
        assertThat(refused.detail()).startsWith("no token: the token endpoint answered ")
                .doesNotContain("not-the-secret");
    }
}
