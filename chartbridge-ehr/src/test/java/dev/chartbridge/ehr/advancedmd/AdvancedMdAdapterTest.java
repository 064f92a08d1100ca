package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.ConnectionCheck;
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

/**
 * The AdvancedMD adapter against the AdvancedMD simulator over HTTP: what reached it, what it stored, and that an
 * answer in an unknown shape (the simulator's strict mode) is never taken as found, absent or verified.
 */
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

    static Connection connection(AdvancedMdSimulator sim, String password, Duration readTimeout) {
        Map<String, String> settings = new HashMap<>(Map.of("appName", AdvancedMdSeed.APP_NAME,
                "mrnSystem", CHART, "timeZone", AdvancedMdSeed.TIME_ZONE,
                "noteTemplateId", AdvancedMdSeed.NOTE_TEMPLATE_ID, "noteTextField", AdvancedMdSeed.NOTE_FIELD_TEXT,
                "noteTitleField", AdvancedMdSeed.NOTE_FIELD_TITLE));
        return new Connection("ehr", "advancedmd", sim.partnerLoginUrl(), null, null, null, AdvancedMdSeed.USERNAME,
                password, AdvancedMdSeed.OFFICE_KEY, settings, Set.of("note", "condition"), 4, readTimeout);
    }

    private AdvancedMdAdapter adapter() {
        return adapter(connection(sim, AdvancedMdSeed.PASSWORD, Duration.ofSeconds(5)));
    }

    private static AdvancedMdAdapter adapter(Connection c) {
        return new AdvancedMdAdapter(AdvancedMdSettings.from(c), CLOCK);
    }

    private ClinicalEvent note() {
        return events.event("note", "1001", AdvancedMdSeed.VISIT_MARIA_OPEN, e -> { });
    }

    private ClinicalEvent condition(Consumer<com.fasterxml.jackson.databind.node.ObjectNode> adapt) {
        return events.event("condition", "1001", AdvancedMdSeed.VISIT_MARIA_OPEN, e -> {
            e.with("payload").put("verificationStatus", "confirmed");
            e.with("payload").with("code").put("system", "http://hl7.org/fhir/sid/icd-10-cm").put("code", "I10")
                    .put("display", "Essential (primary) hypertension");
            adapt.accept(e);
        });
    }

    private List<RecordedRequest> writes() {
        return sim.stats().journal().all().stream().filter(r -> r.bodyText().contains("action=\"addehr")).toList();
    }

    private static String golden(List<RecordedRequest> requests) {
        return GoldenRequests.render(requests, s -> s.replaceAll("<usercontext>[^<]+</usercontext>",
                "<usercontext>{session}</usercontext>").replaceAll("msgtime=\"[^\"]+\"", "msgtime=\"{msgtime}\""));
    }

    private long counter(String name) {
        return sim.stats().count(name);
    }

    @Test
    void note_in_a_visit_reaches_advancedmd_as_a_template_note_by_visit() {
        SendOutcome out = adapter().send(TestEvents.write(note(), 0, "patientnote"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        GoldenRequests.assertMatches("advancedmd", "note", golden(writes()));
        var stored = sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).fields()).containsEntry("visitid", AdvancedMdSeed.VISIT_MARIA_OPEN)
                .containsEntry("templateid", AdvancedMdSeed.NOTE_TEMPLATE_ID)
                .containsEntry(AdvancedMdSeed.NOTE_FIELD_TITLE, "Follow-up visit");
        assertThat(((SendOutcome.Created) out).ref().id()).isEqualTo(stored.get(0).id());
    }

    @Test
    void every_request_is_latin1_with_msgtime_and_the_session_as_a_usercontext_child() {
        adapter().send(TestEvents.write(note(), 0, "patientnote"));

        List<RecordedRequest> all = sim.stats().journal().all().stream()
                .filter(r -> r.bodyText().contains("<ppmdmsg")).toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(5); // two login posts, lookup, visits, write
        assertThat(all).allSatisfy(r -> {
            assertThat(r.headers().get("content-type")).isEqualToIgnoringCase("text/xml; charset=ISO-8859-1");
            assertThat(r.bodyText()).startsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
                    .containsPattern("msgtime=\"\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d [AP]M\"");
            assertThat(r.headers()).doesNotContainKey("cookie");
        });
        assertThat(all).filteredOn(r -> !r.bodyText().contains("action=\"login\"")).allSatisfy(r ->
                assertThat(r.bodyText()).contains("nocookie=\"1\"").contains("<usercontext>"));
        assertThat(counter("improperTokens")).isZero();
    }

    @Test
    void condition_reaches_advancedmd_as_an_icd10_addehrproblem() {
        SendOutcome out = adapter().send(TestEvents.write(condition(e -> { }), 0, "problem"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        GoldenRequests.assertMatches("advancedmd", "condition", golden(writes()));
        assertThat(sim.records("problem", AdvancedMdSeed.PATIENT_MARIA)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("code", "I10").containsEntry("codeset", "10")
                        .containsEntry("onsetdate", "10/01/2026"));
    }

    @Test
    void twenty_concurrent_sends_log_in_once_and_are_counted_per_tier() throws Exception {
        AdvancedMdAdapter adapter = adapter();
        ClinicalEvent event = note();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<SendOutcome>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sends.add(() -> adapter.send(TestEvents.write(event, 0, "patientnote")));
            }
            for (Future<SendOutcome> f : pool.invokeAll(sends)) {
                assertThat(f.get()).isInstanceOf(SendOutcome.Created.class);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(adapter.logins()).isEqualTo(1);
        assertThat(counter("sessionLogins")).as("partner login + web server login, once").isEqualTo(2);
        assertThat(sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(20);
        assertThat(adapter.callsPerTier()).containsEntry("login", 1L).containsEntry("1", 20L);
        assertThat(sim.billedOverruns()).isZero();
    }

    @Test
    void a_lapsed_session_logs_in_again_once_and_the_write_lands_once() {
        AdvancedMdAdapter adapter = adapter();
        assertThat(adapter.send(TestEvents.write(condition(e -> { }), 0, "problem")))
                .isInstanceOf(SendOutcome.Created.class);
        sim.expireSessionsNow();
        sim.strict(true); // answers -2147220479, the other code for the same lapse
        CLOCK.advance(Duration.ofSeconds(61)); // the login budget: one per 60 s

        SendOutcome out = adapter.send(TestEvents.write(condition(e -> e.with("payload").put("clinicalStatus",
                "resolved")), 0, "problem"));

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class); // strict: the id is not where the adapter reads it
        assertThat(counter("sessionTimeouts")).isEqualTo(1);
        assertThat(adapter.logins()).isEqualTo(2);
        assertThat(sim.records("problem", AdvancedMdSeed.PATIENT_MARIA)).hasSize(2);
    }

    @Test
    void a_second_login_within_a_minute_waits_unsent_and_advancedmd_refuses_no_login() {
        AdvancedMdAdapter adapter = adapter();
        assertThat(adapter.send(TestEvents.write(note(), 0, "patientnote"))).isInstanceOf(SendOutcome.Created.class);
        sim.expireSessionsNow();

        SendOutcome out = adapter.send(TestEvents.write(note(), 0, "patientnote"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(r.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
        });
        assertThat(counter("loginsRefusedByLimit")).isZero();
        assertThat(sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(1);
    }

    @Test
    void several_patients_with_the_chart_number_are_refused_never_guessed() {
        ClinicalEvent lee = events.event("condition", "2000", null,
                e -> e.with("payload").put("verificationStatus", "confirmed"));

        SendOutcome out = adapter().send(TestEvents.write(lee, 0, "problem"));

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

        SendOutcome out = adapter().send(TestEvents.write(nobody, 0, "problem"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(sim.records(null, null)).isEmpty();
    }

    /** Issue 11, AdvancedMD: an event for Maria naming Mario's visit is never written. */
    @Test
    void an_event_naming_another_patients_visit_is_refused_and_nothing_is_written() {
        ClinicalEvent wrongVisit = events.event("note", "1001", AdvancedMdSeed.VISIT_MARIO_OPEN, e -> { });

        SendOutcome out = adapter().send(TestEvents.write(wrongVisit, 0, "patientnote"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isIn("not-found", "wrong-patient"));
        assertThat(writes()).isEmpty();
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void commit_then_timeout_is_unknown_and_reconciliation_finds_the_one_record_in_the_read_shape() {
        AdvancedMdAdapter adapter = adapter(connection(sim, AdvancedMdSeed.PASSWORD, Duration.ofMillis(700)));
        WriteContext earlier = TestEvents.write(condition(e -> e.with("payload").with("code").put("code", "E11.9")
                .put("display", "Type 2 diabetes")), 0, "problem");
        assertThat(adapter.send(earlier)).isInstanceOf(SendOutcome.Created.class);
        WriteContext write = TestEvents.write(condition(e -> { }), 0, "problem");
        assertThat(adapter.find(write)).as("before the send").isInstanceOf(FindOutcome.Absent.class);
        sim.faults().commitThenTimeout(1.0, 2_000);

        SendOutcome out = adapter.send(write);
        sim.faults().clear();

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class);
        FindOutcome found = adapter.find(write);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        var problems = sim.records("problem", AdvancedMdSeed.PATIENT_MARIA);
        assertThat(problems).hasSize(2);
        String id = ((FindOutcome.Found) found).ref().id();
        assertThat(problems).filteredOn(r -> r.id().equals(id)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("code", "I10"));
        assertThat(adapter.verify(TestEvents.at(write, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void a_dropped_template_field_reads_back_as_modified_naming_it() {
        AdvancedMdAdapter adapter = adapter();
        sim.faults().dropFields("patientnote", AdvancedMdSeed.NOTE_FIELD_TITLE);
        WriteContext write = TestEvents.write(note(), 0, "patientnote");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);
        VerifyOutcome verified = adapter.verify(TestEvents.at(write, created.ref()));

        assertThat(verified).isInstanceOfSatisfying(VerifyOutcome.Modified.class,
                m -> assertThat(m.fields()).containsExactly("field:" + AdvancedMdSeed.NOTE_FIELD_TITLE));
    }

    @Test
    void a_multi_line_note_verifies() {
        AdvancedMdAdapter adapter = adapter();
        WriteContext write = TestEvents.write(note(), 0, "patientnote");
        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);

        assertThat(adapter.verify(TestEvents.at(write, created.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void strict_answers_a_note_without_a_readable_id_and_it_is_found_by_content_then_verified() {
        sim.strict(true);
        AdvancedMdAdapter adapter = adapter();
        WriteContext write = TestEvents.write(events.event("note", "1001", null, e -> { }), 0, "patientnote");

        SendOutcome out = adapter.send(write);

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class);
        FindOutcome found = adapter.find(write);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        assertThat(adapter.verify(TestEvents.at(write, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(1);
    }

    @Test
    void strict_problem_list_in_another_shape_is_undetermined_never_absent_or_verified() {
        AdvancedMdAdapter adapter = adapter();
        WriteContext write = TestEvents.write(condition(e -> { }), 0, "problem");
        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);
        sim.strict(true);

        assertThat(adapter.find(write)).isInstanceOfSatisfying(FindOutcome.Undetermined.class,
                u -> assertThat(u.error().vendorCode()).isEqualTo("unrecognised-answer"));
        assertThat(adapter.verify(TestEvents.at(write, created.ref())))
                .isInstanceOf(VerifyOutcome.Undetermined.class);
    }

    @Test
    void strict_visit_rows_without_their_patient_child_refuse_the_note_and_write_nothing() {
        sim.strict(true);

        SendOutcome out = adapter().send(TestEvents.write(note(), 0, "patientnote"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("unrecognised-answer"));
        assertThat(writes()).isEmpty();
    }

    @Test
    void refused_credentials_wait_and_are_not_tried_again_at_once() {
        AdvancedMdAdapter adapter = adapter(connection(sim, "wrong", Duration.ofSeconds(5)));

        SendOutcome first = adapter.send(TestEvents.write(note(), 0, "patientnote"));
        SendOutcome second = adapter.send(TestEvents.write(note(), 0, "patientnote"));

        assertThat(first).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.error().vendorCode()).isEqualTo("-2147220480");
            assertThat(r.retryAfter()).isEqualTo(PpmdOutcomes.AFTER_LOGIN_REFUSED);
        });
        assertThat(second).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(counter("loginRefused")).as("no second attempt within a minute").isEqualTo(1);
    }

    @Test
    void ehr_writes_are_budgeted_as_tier_1_at_peak_and_no_call_is_billed_as_an_overrun() {
        CLOCK.set(java.time.Instant.parse("2026-11-24T17:00:00Z")); // Tuesday 10:00 Mountain: peak
        AdvancedMdAdapter adapter = adapter();
        ClinicalEvent event = condition(e -> { });
        List<SendOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            outcomes.add(adapter.send(TestEvents.write(event, 0, "problem")));
        }

        assertThat(outcomes.get(0)).isInstanceOf(SendOutcome.Created.class);
        assertThat(outcomes.subList(1, 3)).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(
                SendOutcome.Retryable.class, r -> {
                    assertThat(r.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
                    assertThat(r.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
                }));
        assertThat(sim.records("problem", AdvancedMdSeed.PATIENT_MARIA)).hasSize(1);
        assertThat(sim.billedOverruns()).isZero();
        CLOCK.advance(Duration.ofSeconds(61));
        assertThat(adapter.send(TestEvents.write(event, 0, "problem"))).isInstanceOf(SendOutcome.Created.class);
        assertThat(sim.billedOverruns()).isZero();
    }

    @Test
    void a_contracted_quota_replaces_the_published_caps_at_any_hour() {
        CLOCK.set(java.time.Instant.parse("2026-11-24T17:00:00Z")); // Tuesday 10:00 Mountain: peak
        Connection c = connection(sim, AdvancedMdSeed.PASSWORD, Duration.ofSeconds(5));
        c.settings().put("requestsPerMinute", "14");
        AdvancedMdAdapter adapter = adapter(c);
        ClinicalEvent event = condition(e -> { });
        List<SendOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            outcomes.add(adapter.send(TestEvents.write(event, 0, "problem")));
        }

        // 14 per 60 s per class at 90 %: 12 writes in the writes' class, the 13th waits unsent
        assertThat(outcomes).filteredOn(o -> o instanceof SendOutcome.Created).hasSize(12);
        assertThat(outcomes.get(12)).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(sim.billedOverruns()).isZero();
    }

    @Test
    void a_429_that_names_a_retry_after_is_retried_after_it() {
        AdvancedMdAdapter adapter = adapter();
        WriteContext write = TestEvents.write(condition(e -> { }), 0, "problem");
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
    void intake_refuses_what_advancedmd_cannot_take_faithfully() {
        AdvancedMdAdapter adapter = adapter();
        Connection noTemplate = connection(sim, AdvancedMdSeed.PASSWORD, Duration.ofSeconds(5));
        noTemplate.settings().remove("noteTemplateId");
        ClinicalEvent provisional = events.event("condition", "1001", null, e -> { });
        ClinicalEvent snomed = events.event("condition", "1001", null,
                e -> e.with("payload").put("verificationStatus", "confirmed"));
        ClinicalEvent draft = events.event("note", "1001", null, e -> e.with("payload").put("status", "preliminary")
                .remove("signedAt"));
        ClinicalEvent vitals = events.event("vitals", "1001", null, e -> { });

        assertThat(adapter.plan(provisional).refusal()).contains("provisional");
        assertThat(adapter.plan(snomed).refusal()).contains("ICD-10");
        assertThat(adapter.plan(draft).refusal()).contains("preliminary");
        assertThat(adapter.plan(vitals).refusal()).contains("vital");
        assertThat(adapter(noTemplate).plan(note()).refusal()).contains("template");
        assertThat(adapter.plan(note()).isRefused()).isFalse();
        assertThat(sim.stats().requests()).as("planning is pure").isZero();
    }

    @Test
    void a_connection_check_opens_the_session_once_and_a_refused_login_is_down() {
        AdvancedMdAdapter adapter = adapter();

        ConnectionCheck first = adapter.check();
        ConnectionCheck again = adapter.check();

        assertThat(first.status()).as("%s", first).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(again.status()).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(counter("sessionLogins")).as("partner login + web server login, once for both checks")
                .isEqualTo(2);
        assertThat(writes()).as("a check writes nothing").isEmpty();

        ConnectionCheck refused = adapter(connection(sim, "wrong", Duration.ofSeconds(5))).check();
        assertThat(refused.status()).isEqualTo(ConnectionCheck.Status.DOWN);
        assertThat(refused.detail()).startsWith("no token: ").doesNotContain("wrong");
    }
}
