package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.vendortest.GoldenRequests;
import dev.chartbridge.ehr.vendortest.TestEvents;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.junit.SimulatorExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The AdvancedMD adapter against the AdvancedMD simulator over HTTP: what reached it, what it stored. */
class AdvancedMdAdapterTest {
    static final String CHART = "urn:example:chart";
    static final String VISIT = "urn:example:advancedmd:visit";
    static final SettableClock CLOCK = new SettableClock(TestEvents.SIMULATOR_NOW);

    @RegisterExtension
    static final SimulatorExtension<AdvancedMdSimulator> SIM = new SimulatorExtension<>(
            () -> AdvancedMdSimulator.builder().clock(CLOCK).start()) {
    };

    private final TestEvents events = new TestEvents(CHART, VISIT);
    private AdvancedMdSimulator sim;

    @BeforeEach
    void setUp() {
        sim = SIM.simulator();
        CLOCK.set(TestEvents.SIMULATOR_NOW);
    }

    static Connection connection(AdvancedMdSimulator sim, String password, String tier, Duration readTimeout) {
        Map<String, String> settings = new HashMap<>(Map.of("appName", AdvancedMdSeed.APP_NAME, "tier", tier,
                "mrnSystem", CHART, "provider.1234567893", AdvancedMdSeed.PROVIDER_ADA,
                "provider.1245319599", AdvancedMdSeed.PROVIDER_SAMUEL));
        return new Connection("ehr", "advancedmd", sim.partnerLoginUrl(), null, null, null, AdvancedMdSeed.USERNAME,
                password, AdvancedMdSeed.OFFICE_KEY, settings, Set.of("note", "condition"), 4, readTimeout);
    }

    private AdvancedMdAdapter adapter() {
        return new AdvancedMdAdapter(AdvancedMdSettings.from(connection(sim, AdvancedMdSeed.PASSWORD, "3",
                Duration.ofSeconds(5))), CLOCK);
    }

    private ClinicalEvent note() {
        return events.event("note", "1001", AdvancedMdSeed.VISIT_MARIA_OPEN, e -> { });
    }

    private ClinicalEvent condition(Consumer<com.fasterxml.jackson.databind.node.ObjectNode> adapt) {
        return events.event("condition", "1001", AdvancedMdSeed.VISIT_MARIA_OPEN, e -> {
            e.with("payload").put("verificationStatus", "confirmed");
            adapt.accept(e);
        });
    }

    private List<RecordedRequest> writes() {
        return sim.stats().journal().all().stream().filter(r -> r.bodyText().contains("action=\"addehr")).toList();
    }

    private static String golden(List<RecordedRequest> requests) {
        return GoldenRequests.render(requests, s -> s.replaceAll("token=[A-Za-z0-9]+", "token={session}"));
    }

    private long counter(String name) {
        return sim.stats().toMap().get("counters") instanceof Map<?, ?> m && m.get(name) instanceof Number n
                ? n.longValue() : 0;
    }

    @Test
    void note_in_a_visit_reaches_advancedmd_as_the_reviewed_addehrnotebyvisit() {
        SendOutcome out = adapter().send(TestEvents.write(note(), 0, "ehrnote"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        GoldenRequests.assertMatches("advancedmd", "note", golden(writes()));
        var stored = sim.records("ehrnote", AdvancedMdSeed.PATIENT_MARIA);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).fields()).containsEntry("visitid", AdvancedMdSeed.VISIT_MARIA_OPEN)
                .containsEntry("providerid", AdvancedMdSeed.PROVIDER_ADA).containsEntry("title", "Follow-up visit");
        assertThat(((SendOutcome.Created) out).ref().id()).isEqualTo(stored.get(0).id());
    }

    @Test
    void condition_reaches_advancedmd_as_the_reviewed_addehrproblem() {
        SendOutcome out = adapter().send(TestEvents.write(condition(e -> { }), 0, "ehrproblem"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        GoldenRequests.assertMatches("advancedmd", "condition", golden(writes()));
        assertThat(sim.records("ehrproblem", AdvancedMdSeed.PATIENT_MARIA)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("code", "38341003")
                        .containsEntry("codetype", "SNOMED").containsEntry("onsetdate", "10/01/2026"));
    }

    @Test
    void twenty_concurrent_sends_log_in_once() throws Exception {
        AdvancedMdAdapter adapter = adapter();
        ClinicalEvent event = note();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<SendOutcome>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sends.add(() -> adapter.send(TestEvents.write(event, 0, "ehrnote")));
            }
            for (Future<SendOutcome> f : pool.invokeAll(sends)) {
                assertThat(f.get()).isInstanceOf(SendOutcome.Created.class);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(adapter.logins()).isEqualTo(1);
        assertThat(counter("sessionLogins")).as("partner login + web server login, once").isEqualTo(2);
        assertThat(sim.records("ehrnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(20);
        assertThat(sim.stats().tooManyRequestsIssued()).isZero();
    }

    @Test
    void session_timed_out_1025_logs_in_again_once_and_the_write_lands_once() {
        AdvancedMdAdapter adapter = adapter();
        assertThat(adapter.send(TestEvents.write(condition(e -> { }), 0, "ehrproblem")))
                .isInstanceOf(SendOutcome.Created.class);
        sim.expireSessionsNow();

        SendOutcome out = adapter.send(TestEvents.write(note(), 0, "ehrnote"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        assertThat(counter("sessionTimeouts")).isEqualTo(1);
        assertThat(adapter.logins()).isEqualTo(2);
        assertThat(sim.records("ehrnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(1);
    }

    @Test
    void several_patients_with_the_chart_number_are_refused_never_guessed() {
        ClinicalEvent lee = events.event("condition", "2000", null,
                e -> e.with("payload").put("verificationStatus", "confirmed"));

        SendOutcome out = adapter().send(TestEvents.write(lee, 0, "ehrproblem"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.INVALID);
            assertThat(r.error().vendorCode()).isEqualTo("ambiguous");
            assertThat(r.error().message()).contains(CHART).doesNotContain("2000");
        });
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void an_unknown_chart_number_is_refused() {
        ClinicalEvent nobody = events.event("condition", "9999", null,
                e -> e.with("payload").put("verificationStatus", "confirmed"));

        SendOutcome out = adapter().send(TestEvents.write(nobody, 0, "ehrproblem"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void a_closed_visit_is_refused() {
        ClinicalEvent closed = events.event("note", "1001", AdvancedMdSeed.VISIT_MARIA_CLOSED, e -> { });

        SendOutcome out = adapter().send(TestEvents.write(closed, 0, "ehrnote"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("visit-closed"));
    }

    @Test
    void commit_then_timeout_is_unknown_and_reconciliation_finds_the_one_record() {
        AdvancedMdAdapter adapter = new AdvancedMdAdapter(AdvancedMdSettings.from(connection(sim,
                AdvancedMdSeed.PASSWORD, "3", Duration.ofMillis(700))), CLOCK);
        WriteContext earlier = TestEvents.write(condition(e -> e.with("payload").with("code").put("code", "59621000")
                .put("display", "Essential hypertension")), 0, "ehrproblem");
        assertThat(adapter.send(earlier)).isInstanceOf(SendOutcome.Created.class);
        WriteContext write = TestEvents.write(condition(e -> { }), 0, "ehrproblem");
        assertThat(adapter.find(write)).as("before the send").isInstanceOf(FindOutcome.Absent.class);
        sim.faults().commitThenTimeout(1.0, 2_000);

        SendOutcome out = adapter.send(write);
        sim.faults().clear();

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class);
        FindOutcome found = adapter.find(write);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        var problems = sim.records("ehrproblem", AdvancedMdSeed.PATIENT_MARIA);
        assertThat(problems).hasSize(2);
        String id = ((FindOutcome.Found) found).ref().id();
        assertThat(problems).filteredOn(r -> r.id().equals(id)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("code", "38341003"));
        assertThat(adapter.verify(TestEvents.at(write, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void a_dropped_field_reads_back_as_modified_naming_it() {
        AdvancedMdAdapter adapter = adapter();
        sim.faults().dropFields("ehrnote", "title");
        WriteContext write = TestEvents.write(note(), 0, "ehrnote");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);
        VerifyOutcome verified = adapter.verify(TestEvents.at(write, created.ref()));

        assertThat(verified).isInstanceOfSatisfying(VerifyOutcome.Modified.class,
                m -> assertThat(m.fields()).containsExactly("title"));
    }

    @Test
    void a_multi_line_note_verifies() {
        AdvancedMdAdapter adapter = adapter();
        WriteContext write = TestEvents.write(note(), 0, "ehrnote");
        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);

        assertThat(adapter.verify(TestEvents.at(write, created.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void refused_credentials_wait_and_are_not_tried_again_at_once() {
        AdvancedMdAdapter adapter = new AdvancedMdAdapter(AdvancedMdSettings.from(connection(sim, "wrong", "3",
                Duration.ofSeconds(5))), CLOCK);

        SendOutcome first = adapter.send(TestEvents.write(note(), 0, "ehrnote"));
        SendOutcome second = adapter.send(TestEvents.write(note(), 0, "ehrnote"));

        assertThat(first).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.error().vendorCode()).isEqualTo("1000");
            assertThat(r.retryAfter()).isEqualTo(PpmdOutcomes.AFTER_LOGIN_REFUSED);
        });
        assertThat(second).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(counter("loginRefused")).as("no second attempt within a minute").isEqualTo(1);
    }

    @Test
    void the_gateway_throttles_itself_below_the_tier_and_causes_no_429() {
        CLOCK.set(java.time.Instant.parse("2026-11-24T17:00:00Z")); // Tuesday 10:00 Mountain: peak
        AdvancedMdAdapter adapter = new AdvancedMdAdapter(AdvancedMdSettings.from(connection(sim,
                AdvancedMdSeed.PASSWORD, "2", Duration.ofSeconds(5))), CLOCK);
        ClinicalEvent event = condition(e -> { });
        List<SendOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            outcomes.add(adapter.send(TestEvents.write(event, 0, "ehrproblem")));
        }

        // tier 2 peak: 12 per 60 s = 2 login requests + 1 lookup + 9 writes; the rest wait, unsent
        assertThat(outcomes).filteredOn(o -> o instanceof SendOutcome.Created).hasSize(9);
        assertThat(outcomes.get(11)).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(r.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
        });
        assertThat(sim.stats().tooManyRequestsIssued()).isZero();
        CLOCK.advance(Duration.ofSeconds(61));
        assertThat(adapter.send(TestEvents.write(event, 0, "ehrproblem"))).isInstanceOf(SendOutcome.Created.class);
    }

    @Test
    void a_contracted_quota_replaces_the_tiers_numbers_at_any_hour() {
        CLOCK.set(java.time.Instant.parse("2026-11-24T17:00:00Z")); // Tuesday 10:00 Mountain: peak
        Connection c = connection(sim, AdvancedMdSeed.PASSWORD, "2", Duration.ofSeconds(5));
        c.settings().put("requestsPerMinute", "14");
        AdvancedMdAdapter adapter = new AdvancedMdAdapter(AdvancedMdSettings.from(c), CLOCK);
        ClinicalEvent event = condition(e -> { });
        List<SendOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            outcomes.add(adapter.send(TestEvents.write(event, 0, "ehrproblem")));
        }

        // 14 per 60 s instead of tier 2's 12 at peak: 2 login requests + 1 lookup + 11 writes
        assertThat(outcomes).filteredOn(o -> o instanceof SendOutcome.Created).hasSize(11);
        assertThat(outcomes.get(11)).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(sim.stats().tooManyRequestsIssued()).isZero();
    }

    @Test
    void a_429_that_names_a_retry_after_is_retried_after_it() {
        AdvancedMdAdapter adapter = adapter();
        WriteContext write = TestEvents.write(condition(e -> { }), 0, "ehrproblem");
        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Created.class); // session and patient at hand
        sim.faults().tooManyRequestsRate(1.0, 3, true);

        SendOutcome out = adapter.send(write);

        sim.faults().clear();
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        });
    }

    @Test
    void quota_violation_429_is_retryable_until_the_window_ends() {
        sim.tier(dev.chartbridge.simulators.advancedmd.RateTier.TIER_1);
        CLOCK.set(java.time.Instant.parse("2026-11-24T17:00:30Z"));
        AdvancedMdAdapter adapter = adapter(); // believes tier 3: AdvancedMD's 429 is the backstop

        SendOutcome out = adapter.send(TestEvents.write(condition(e -> { }), 0, "ehrproblem"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(r.retryAfter()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(32));
        });
    }

    @Test
    void intake_refuses_what_advancedmd_cannot_take_faithfully() {
        AdvancedMdAdapter adapter = adapter();
        ClinicalEvent provisional = events.event("condition", "1001", null, e -> { });
        ClinicalEvent draft = events.event("note", "1001", null, e -> e.with("payload").put("status", "preliminary")
                .remove("signedAt"));
        ClinicalEvent unmapped = events.event("note", "1001", null, e -> e.with("author").put("npi", "1003000126"));
        ClinicalEvent vitals = events.event("vitals", "1001", null, e -> { });

        assertThat(adapter.plan(provisional).refusal()).contains("provisional");
        assertThat(adapter.plan(draft).refusal()).contains("preliminary");
        assertThat(adapter.plan(unmapped).refusal()).contains("provider id");
        assertThat(adapter.plan(vitals).refusal()).contains("no vitals action");
        assertThat(adapter.plan(note()).isRefused()).isFalse();
        assertThat(sim.stats().requests()).as("planning is pure").isZero();
    }
}
