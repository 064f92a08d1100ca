package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.junit.SimulatorExtension;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

/** The Veradigm adapter against the Veradigm simulator's Unity API over HTTP: what reached it, what it stored. */
class VeradigmAdapterTest {
    static final String MRN = "urn:example:mrn";
    static final String ENCOUNTER = "urn:example:veradigm:encounter";
    static final SettableClock CLOCK = new SettableClock(TestEvents.SIMULATOR_NOW);
    private static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "note", "condition", "problem",
            "allergy", "allergy", "medication-change", "medication", "follow-up-task", "task");

    @RegisterExtension
    static final SimulatorExtension<VeradigmSimulator> SIM = new SimulatorExtension<>(
            () -> VeradigmSimulator.builder().clock(CLOCK).start()) {
    };

    private final TestEvents events = new TestEvents(MRN, ENCOUNTER);
    private VeradigmSimulator sim;

    @BeforeEach
    void setUp() {
        sim = SIM.simulator();
        CLOCK.set(TestEvents.SIMULATOR_NOW);
    }

    private VeradigmAdapter adapter(String appUser, Duration readTimeout) {
        Map<String, String> settings = new HashMap<>(Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", appUser,
                "mrnSystem", MRN, "provider.1245319599", "sokafor"));
        return new VeradigmAdapter(VeradigmSettings.from(new Connection("ehr", "veradigm", sim.unityUrl(), null, null,
                null, VeradigmSeed.UNITY_USERNAME, VeradigmSeed.UNITY_PASSWORD, null, settings, Set.of(), 4,
                readTimeout)), CLOCK);
    }

    private VeradigmAdapter adapter() {
        return adapter(VeradigmSeed.APP_USER, Duration.ofSeconds(5));
    }

    /** The example, for Maria in her open encounter, within what Unity takes (a confirmed condition). */
    private ClinicalEvent event(String type, Consumer<ObjectNode> adapt) {
        return events.event(type, "1001", VeradigmSeed.ENCOUNTER_MARIA_OPEN, e -> {
            if (type.equals("condition")) {
                e.with("payload").put("verificationStatus", "confirmed");
            }
            adapt.accept(e);
        });
    }

    private long counter(String name) {
        return sim.stats().toMap().get("counters") instanceof Map<?, ?> m && m.get(name) instanceof Number n
                ? n.longValue() : 0;
    }

    private List<RecordedRequest> saves() {
        return sim.stats().journal().all().stream().filter(r -> r.bodyText().contains("\"Action\":\"Save")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vitals", "note", "condition", "allergy", "medication-change", "follow-up-task"})
    void each_event_type_reaches_unity_as_the_reviewed_save_action(String type) {
        VeradigmAdapter adapter = adapter();
        ClinicalEvent event = event(type, e -> { });
        for (int part = 0; part < event.payload().parts(); part++) {
            WriteContext write = TestEvents.write(event, part, KIND.get(type));
            SendOutcome out = adapter.send(write);
            assertThat(out).as(type).isInstanceOf(SendOutcome.Created.class);
            assertThat(adapter.verify(TestEvents.at(write, ((SendOutcome.Created) out).ref())))
                    .as(type).isInstanceOf(VerifyOutcome.Verified.class);
        }

        GoldenRequests.assertMatches("veradigm", type, GoldenRequests.render(saves(),
                s -> s.replaceAll("\"Token\":\"[^\"]*\"", "\"Token\":\"{token}\"")));
        assertThat(sim.records(KIND.get(type), VeradigmSeed.PATIENT_MARIA)).hasSize(event.payload().parts());
    }

    @Test
    void twenty_concurrent_sends_ask_for_one_token() throws Exception {
        VeradigmAdapter adapter = adapter();
        ClinicalEvent event = event("condition", e -> { });
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<SendOutcome>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sends.add(() -> adapter.send(TestEvents.write(event, 0, "problem")));
            }
            for (Future<SendOutcome> f : pool.invokeAll(sends)) {
                assertThat(f.get()).isInstanceOf(SendOutcome.Created.class);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(counter("tokenRequests")).isEqualTo(1);
        assertThat(adapter.tokenFetches()).isEqualTo(1);
        assertThat(sim.records("problem", VeradigmSeed.PATIENT_MARIA)).hasSize(20);
    }

    @Test
    void an_expired_token_in_a_200_body_is_refreshed_once_and_the_write_lands_once() {
        VeradigmAdapter adapter = adapter();
        assertThat(adapter.send(TestEvents.write(event("allergy", e -> { }), 0, "allergy")))
                .isInstanceOf(SendOutcome.Created.class);
        sim.expireTokensNow();

        SendOutcome out = adapter.send(TestEvents.write(event("condition", e -> { }), 0, "problem"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        assertThat(counter("invalidTokens")).isEqualTo(1);
        assertThat(counter("tokenRequests")).isEqualTo(2);
        assertThat(sim.records("problem", VeradigmSeed.PATIENT_MARIA)).hasSize(1);
    }

    @Test
    void a_unity_error_inside_a_200_is_rejected_with_unitys_text() {
        VeradigmAdapter adapter = adapter("not-a-user", Duration.ofSeconds(5));

        SendOutcome out = adapter.send(TestEvents.write(event("condition", e -> { }), 0, "problem"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.FORBIDDEN);
            assertThat(r.error().message()).isEqualTo("Magic Error - Invalid AppUserID");
            assertThat(r.exchange().httpStatus()).isEqualTo(200);
        });
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void unity_error_texts_are_classed_by_what_they_say() {
        assertThat(UnityOutcomes.classify("Magic Error - Security Token has expired")).isEqualTo(ErrorClass.AUTH);
        assertThat(UnityOutcomes.classify("Magic Error - Patient not found")).isEqualTo(ErrorClass.NOT_FOUND);
        assertThat(UnityOutcomes.classify("Magic Error - Parameter1 (ProblemCode) is required"))
                .isEqualTo(ErrorClass.INVALID);
        assertThat(UnityOutcomes.classify("Magic Error - Unknown action SaveThing")).isEqualTo(ErrorClass.UNSUPPORTED);
        assertThat(UnityOutcomes.classify("Magic Error - Timeout expired")).isEqualTo(ErrorClass.TRANSIENT);
        assertThat(UnityOutcomes.classify("Magic Error - something else")).isEqualTo(ErrorClass.UNKNOWN);
    }

    @Test
    void several_patients_with_the_mrn_are_refused_never_guessed() {
        ClinicalEvent lee = events.event("allergy", "2000", null, e -> { });

        SendOutcome out = adapter().send(TestEvents.write(lee, 0, "allergy"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().vendorCode()).isEqualTo("ambiguous");
            assertThat(r.error().message()).contains(MRN).doesNotContain("2000");
        });
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void an_unknown_mrn_and_another_patients_encounter_are_refused() {
        VeradigmAdapter adapter = adapter();
        ClinicalEvent nobody = events.event("allergy", "9999", null, e -> { });
        ClinicalEvent elsewhere = events.event("note", "1001", VeradigmSeed.ENCOUNTER_MARIO_OPEN, e -> { });
        ClinicalEvent closed = events.event("note", "1001", VeradigmSeed.ENCOUNTER_MARIA_CLOSED, e -> { });

        assertThat(adapter.send(TestEvents.write(nobody, 0, "allergy"))).isInstanceOfSatisfying(
                SendOutcome.Rejected.class, r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(adapter.send(TestEvents.write(elsewhere, 0, "note"))).isInstanceOfSatisfying(
                SendOutcome.Rejected.class, r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(adapter.send(TestEvents.write(closed, 0, "note"))).isInstanceOfSatisfying(
                SendOutcome.Rejected.class, r -> assertThat(r.error().vendorCode()).isEqualTo("encounter-closed"));
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void commit_then_timeout_is_unknown_and_reconciliation_finds_the_one_record() {
        VeradigmAdapter adapter = adapter(VeradigmSeed.APP_USER, Duration.ofMillis(700));
        WriteContext earlier = TestEvents.write(event("condition", e -> e.with("payload").with("code")
                .put("code", "59621000").put("display", "Essential hypertension")), 0, "problem");
        assertThat(adapter.send(earlier)).isInstanceOf(SendOutcome.Created.class);
        WriteContext write = TestEvents.write(event("condition", e -> { }), 0, "problem");
        assertThat(adapter.find(write)).as("before the send").isInstanceOf(FindOutcome.Absent.class);
        sim.faults().commitThenTimeout(1.0, 2_000);

        SendOutcome out = adapter.send(write);
        sim.faults().clear();

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class);
        FindOutcome found = adapter.find(write);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        String id = ((FindOutcome.Found) found).ref().id();
        var problems = sim.records("problem", VeradigmSeed.PATIENT_MARIA);
        assertThat(problems).hasSize(2);
        assertThat(problems).filteredOn(r -> r.id().equals(id)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("ProblemCode", "38341003"));
        assertThat(adapter.verify(TestEvents.at(write, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void a_dropped_field_reads_back_as_modified_naming_it() {
        VeradigmAdapter adapter = adapter();
        sim.faults().dropFields("problem", "OnsetDate");
        WriteContext write = TestEvents.write(event("condition", e -> { }), 0, "problem");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);

        assertThat(adapter.verify(TestEvents.at(write, created.ref()))).isInstanceOfSatisfying(
                VerifyOutcome.Modified.class, m -> assertThat(m.fields()).containsExactly("OnsetDate"));
    }

    @Test
    void a_429_or_503_naming_a_retry_after_waits_that_long_and_a_bare_429_a_minute() {
        VeradigmAdapter adapter = adapter();
        WriteContext write = TestEvents.write(event("condition", e -> { }), 0, "problem");
        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Created.class); // token and patient at hand

        sim.faults().errorRate(1.0, 503, 2, true);
        SendOutcome busy = adapter.send(write);
        sim.faults().clear();
        sim.faults().tooManyRequestsRate(1.0, 3, true);
        SendOutcome throttled = adapter.send(write);
        sim.faults().tooManyRequestsRate(1.0, null, true);
        SendOutcome bare = adapter.send(write);
        sim.faults().clear();

        assertThat(busy).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
        assertThat(throttled).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThat(bare).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(UnityOutcomes.AFTER_429));
    }

    @Test
    void refused_credentials_are_retryable_later_as_auth() {
        VeradigmAdapter adapter = new VeradigmAdapter(VeradigmSettings.from(new Connection("ehr", "veradigm",
                sim.unityUrl(), null, null, null, VeradigmSeed.UNITY_USERNAME, "wrong", null,
                Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER), Set.of(), 4,
                Duration.ofSeconds(5))), CLOCK);

        SendOutcome out = adapter.send(TestEvents.write(event("allergy", e -> { }), 0, "allergy"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.error().message()).contains("Username and password not valid");
        });
    }

    @Test
    void intake_refuses_what_unity_cannot_take_faithfully() {
        VeradigmAdapter adapter = adapter();
        ClinicalEvent provisional = events.event("condition", "1001", null, e -> { });
        ClinicalEvent stop = events.event("medication-change", "1001", null, e -> e.with("payload")
                .put("action", "stop"));
        ClinicalEvent unmappedOwner = events.event("follow-up-task", "1001", null, e -> e.with("payload")
                .put("ownerNpi", "1003000126"));
        ClinicalEvent consent = events.event("consent", "1001", null, e -> { });

        assertThat(adapter.plan(provisional).refusal()).contains("provisional");
        assertThat(adapter.plan(stop).refusal()).contains("new prescription");
        assertThat(adapter.plan(unmappedOwner).refusal()).contains("Unity user");
        assertThat(adapter.plan(consent).refusal()).contains("consent");
        assertThat(adapter.plan(event("vitals", e -> { })).resourceTypes()).containsExactly("vitals", "vitals");
        assertThat(sim.stats().requests()).as("planning is pure").isZero();
    }

    @Test
    void with_write_as_author_each_save_is_made_as_the_authors_unity_user() {
        Map<String, String> settings = Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER,
                "mrnSystem", MRN, "writeAsAuthor", "true", "provider.1234567893", "apark");
        VeradigmAdapter adapter = new VeradigmAdapter(VeradigmSettings.from(new Connection("ehr", "veradigm",
                sim.unityUrl(), null, null, null, VeradigmSeed.UNITY_USERNAME, VeradigmSeed.UNITY_PASSWORD, null,
                settings, Set.of(), 4, Duration.ofSeconds(5))), CLOCK);
        ClinicalEvent byAda = event("allergy", e -> { });
        ClinicalEvent bySamuel = event("allergy", e -> e.with("author").put("npi", "1245319599"));

        SendOutcome out = adapter.send(TestEvents.write(byAda, 0, "allergy"));

        assertThat(adapter.plan(bySamuel).refusal()).contains("writeAsAuthor");
        assertThat(saves()).singleElement().satisfies(r -> assertThat(r.bodyText()).contains("\"AppUserID\":\"apark\""));
        // the simulator knows only its gateway user, so Unity refuses apark: the refusal is Unity's own text
        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().message()).isEqualTo("Magic Error - Invalid AppUserID"));
    }
}
