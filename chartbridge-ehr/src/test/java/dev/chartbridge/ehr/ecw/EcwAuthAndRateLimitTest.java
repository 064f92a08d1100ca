package dev.chartbridge.ehr.ecw;

import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.testing.GatewayIdentity;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.chartbridge.ehr.ecw.EcwTesting.MARIA;
import static org.assertj.core.api.Assertions.assertThat;

/** eClinicalWorks' 300-second tokens and its per-practice call limit that counts token requests. */
class EcwAuthAndRateLimitTest {

    @Test
    void a_burst_of_writes_stays_under_the_practice_limit_and_every_write_lands() throws Exception {
        int limit = 6;
        Duration window = Duration.ofSeconds(2);
        try (GatewayIdentity gateway = new GatewayIdentity();
             EcwSimulator sim = EcwSimulator.builder().rateLimit(limit, window).start()) {
            sim.registerClient(EcwTesting.CLIENT, gateway.jwksUrl().toString(), EcwTesting.ALLOWED);
            EcwAdapter adapter = new EcwAdapter(EcwTesting.connection(sim, Duration.ofSeconds(5)), gateway.env(),
                    new PracticeCallBudget(limit, window.plus(Duration.ofMillis(250)), Clock.systemUTC()));
            ClinicalEvent allergy = MARIA.event("allergy");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<SendOutcome>> sends = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    WriteContext w = Writes.write(allergy, 0, "burst-" + i);
                    sends.add(pool.submit(() -> adapter.send(w)));
                }
                for (Future<SendOutcome> f : sends) {
                    assertThat(f.get()).isInstanceOf(SendOutcome.Created.class);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(sim.stats().tooManyRequestsIssued()).isZero();
            assertThat(sim.stats().count(SmartAuth.TOKEN_REQUESTS)).isEqualTo(1);
            assertThat(sim.resources("AllergyIntolerance")).hasSize(12);
        }
    }

    @Test
    void a_check_interrupted_in_the_call_budgets_wait_says_so_and_not_that_the_ehr_answered_wrongly()
            throws Exception {
        try (GatewayIdentity gateway = new GatewayIdentity(); EcwSimulator sim = EcwSimulator.start()) {
            sim.registerClient(EcwTesting.CLIENT, gateway.jwksUrl().toString(), EcwTesting.ALLOWED);
            // Two calls a minute: the first check's token request and /metadata use them up.
            EcwAdapter adapter = new EcwAdapter(EcwTesting.connection(sim, Duration.ofSeconds(5)), gateway.env(),
                    new PracticeCallBudget(2, Duration.ofMinutes(1), Clock.systemUTC()));
            assertThat(adapter.check().status()).isEqualTo(ConnectionCheck.Status.UP);

            ExecutorService checker = Executors.newSingleThreadExecutor();
            try {
                Future<ConnectionCheck> waiting = checker.submit(adapter::check);
                Thread.sleep(300); // the second check's /metadata waits for the budget
                assertThat(waiting).isNotDone();
                checker.shutdownNow(); // as the node's stop interrupts its checks
                ConnectionCheck cut = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(cut.status()).isEqualTo(ConnectionCheck.Status.DOWN);
                assertThat(cut.detail()).contains("interrupted before an answer")
                        .doesNotContain("CapabilityStatement");
            } finally {
                checker.shutdownNow();
            }
            assertThat(sim.stats().count(SmartAuth.TOKEN_REQUESTS)).isEqualTo(1);
        }
    }

    @Test
    void a_300_second_token_is_refreshed_before_it_expires_with_one_token_request() {
        SettableClock clock = new SettableClock(Instant.now());
        try (GatewayIdentity gateway = new GatewayIdentity();
             EcwSimulator sim = EcwSimulator.builder().clock(clock).start()) {
            sim.registerClient(EcwTesting.CLIENT, gateway.jwksUrl().toString(), EcwTesting.ALLOWED);
            EcwAdapter adapter = new EcwAdapter(EcwTesting.connection(sim, Duration.ofSeconds(5)),
                    gateway.env(clock));
            ClinicalEvent condition = MARIA.event("condition");
            assertThat(adapter.send(Writes.write(condition, 0, "first"))).isInstanceOf(SendOutcome.Created.class);
            clock.advance(Duration.ofSeconds(200));
            assertThat(adapter.send(Writes.write(condition, 0, "cached"))).isInstanceOf(SendOutcome.Created.class);
            assertThat(sim.stats().count(SmartAuth.TOKEN_REQUESTS)).isEqualTo(1);
            clock.advance(Duration.ofSeconds(50)); // 250 s: still valid at eCW, but inside the refresh margin
            assertThat(adapter.send(Writes.write(condition, 0, "refreshed"))).isInstanceOf(SendOutcome.Created.class);
            assertThat(sim.stats().count(SmartAuth.TOKEN_REQUESTS)).isEqualTo(2);
            assertThat(sim.stats().count(SmartAuth.API_REFUSALS)).isZero();
            assertThat(sim.countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, "refreshed")).isEqualTo(1);
        }
    }

    @Test
    void scopes_are_the_least_the_enabled_types_need() {
        try (GatewayIdentity gateway = new GatewayIdentity(); EcwSimulator sim = EcwSimulator.start()) {
            sim.registerClient(EcwTesting.CLIENT, gateway.jwksUrl().toString(), EcwTesting.ALLOWED);
            EcwAdapter adapter = new EcwAdapter(EcwTesting.connection(sim, Duration.ofSeconds(5)), gateway.env());
            // only spellings eCW publishes (eclinicalworks-smart-configuration.json): no .s, no .crs
            List<String> expected = List.of("system/Patient.rs", "system/Encounter.rs",
                    "system/AllergyIntolerance.rs", "system/AllergyIntolerance.c", "system/Condition.rs",
                    "system/Condition.c", "system/MedicationRequest.rs", "system/MedicationRequest.c",
                    "system/Observation.rs", "system/Observation.c");
            assertThat(adapter.scopes()).containsExactlyElementsOf(expected);
            assertThat(adapter.send(Writes.write(MARIA.event("allergy"), 0, "scoped")))
                    .isInstanceOf(SendOutcome.Created.class);
            assertThat(sim.auth().tokens().get(0).scopes()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
