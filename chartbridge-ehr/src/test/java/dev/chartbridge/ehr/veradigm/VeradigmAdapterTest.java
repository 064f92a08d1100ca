package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.adapter.ConnectionCheck;
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
import dev.chartbridge.simulators.junit.SimulatorExtension;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Veradigm adapter against the Veradigm simulator's Unity API over HTTP: what reached it (golden payloads
 * checked against the reference clients), what it stored, and what the adapter concludes from Unity's read shapes,
 * in the simulator's normal and strict modes.
 */
class VeradigmAdapterTest {
    static final String MRN = "urn:example:mrn";
    static final String ENCOUNTER = "urn:example:veradigm:encounter";
    static final SettableClock CLOCK = new SettableClock(TestEvents.SIMULATOR_NOW);
    static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "note", "condition", "problem",
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

    static Map<String, String> settings(String userPassword) {
        try {
            Path file = Files.createTempFile("ehr-user", ".secret");
            Files.writeString(file, userPassword);
            file.toFile().deleteOnExit();
            return new HashMap<>(Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER,
                    "appUserPasswordFile", file.toString(), "mrnSystem", MRN, "provider.1245319599", "sokafor"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private VeradigmAdapter adapter(Map<String, String> settings, String servicePassword, Duration readTimeout) {
        return new VeradigmAdapter(VeradigmSettings.from(new Connection("ehr", "veradigm", sim.unityUrl(), null, null,
                null, VeradigmSeed.UNITY_USERNAME, servicePassword, null, settings, Set.of(), 4, readTimeout)), CLOCK);
    }

    private VeradigmAdapter adapter() {
        return adapter(settings(VeradigmSeed.APP_USER_PASSWORD), VeradigmSeed.UNITY_PASSWORD, Duration.ofSeconds(5));
    }

    /** The example, for Maria in her encounter, within what Unity takes (a confirmed condition). */
    private ClinicalEvent event(String type, Consumer<ObjectNode> adapt) {
        return events.event(type, "1001", VeradigmSeed.ENCOUNTER_MARIA_OPEN, e -> {
            if (type.equals("condition")) {
                e.with("payload").put("verificationStatus", "confirmed");
            }
            adapt.accept(e);
        });
    }

    private List<RecordedRequest> saves() {
        return sim.stats().journal().all().stream().filter(r -> r.bodyText().contains("\"Action\":\"Save")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vitals", "note", "condition", "allergy", "medication-change", "follow-up-task"})
    void each_event_type_reaches_unity_as_its_documented_save_action_and_verifies_in_the_read_shape(String type) {
        VeradigmAdapter adapter = adapter();
        ClinicalEvent event = event(type, e -> { });
        for (int part = 0; part < event.payload().parts(); part++) {
            WriteContext write = TestEvents.write(event, part, KIND.get(type));
            SendOutcome out = adapter.send(write);
            assertThat(out).as(type).isInstanceOf(SendOutcome.Created.class);
            assertThat(adapter.verify(TestEvents.at(write, ((SendOutcome.Created) out).ref())))
                    .as(type).isInstanceOf(VerifyOutcome.Verified.class);
        }

        VeradigmGolden.assertMatches(type, GoldenRequests.render(saves(),
                s -> s.replaceAll("\"Token\":\"[^\"]*\"", "\"Token\":\"{token}\"")));
        assertThat(sim.records(KIND.get(type), VeradigmSeed.PATIENT_MARIA)).hasSize(event.payload().parts());
    }

    @Test
    void twenty_concurrent_sends_ask_for_one_token_bound_once_to_the_ehr_user() throws Exception {
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
        assertThat(sim.stats().count("tokenRequests")).isEqualTo(1);
        assertThat(sim.stats().count("userAuthentications")).isEqualTo(1);
        assertThat(adapter.tokenFetches()).isEqualTo(1);
        assertThat(sim.records("problem", VeradigmSeed.PATIENT_MARIA)).hasSize(20);
    }

    @Test
    void the_inactivity_answer_fetches_and_binds_a_new_token_once_and_the_write_lands_once() {
        VeradigmAdapter adapter = adapter();
        assertThat(adapter.send(TestEvents.write(event("allergy", e -> { }), 0, "allergy")))
                .isInstanceOf(SendOutcome.Created.class);
        sim.expireTokensNow();

        SendOutcome out = adapter.send(TestEvents.write(event("condition", e -> { }), 0, "problem"));

        assertThat(out).isInstanceOf(SendOutcome.Created.class);
        assertThat(sim.stats().count("invalidTokens")).isEqualTo(1);
        assertThat(sim.stats().count("tokenRequests")).isEqualTo(2);
        assertThat(sim.stats().count("userAuthentications")).isEqualTo(2);
        assertThat(sim.records("problem", VeradigmSeed.PATIENT_MARIA)).hasSize(1);
    }

    @Test
    void an_error_text_the_gateway_does_not_recognise_leaves_the_save_unknown_with_the_text_kept() {
        VeradigmAdapter adapter = adapter();
        WriteContext write = TestEvents.write(event("condition", e -> { }), 0, "problem");
        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Absent.class); // token and patient at hand
        sim.strict(true);
        sim.unityRequestsPerMinute(1); // the listing before the save passes, the save is refused in the body

        SendOutcome out = adapter.send(write);

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Unknown.class,
                u -> assertThat(u.reason()).contains("not recognised").contains("Request limit exceeded"));
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void several_patients_with_the_mrn_go_to_review_never_guessed_and_nothing_is_written() {
        ClinicalEvent lee = events.event("allergy", "2000", null, e -> { });

        SendOutcome out = adapter().send(TestEvents.write(lee, 0, "allergy"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Conflict.class, r -> {
            assertThat(r.error().vendorCode()).isEqualTo("ambiguous");
            assertThat(r.error().message()).contains(MRN).doesNotContain("2000");
        });
        assertThat(sim.records(null, null)).isEmpty();
    }

    /** Issue 11: the encounter must be proven the patient's from GetEncounterList's PatientID, or nothing is written. */
    @Test
    void an_event_naming_another_patients_encounter_is_never_written() {
        VeradigmAdapter adapter = adapter();
        ClinicalEvent nobody = events.event("allergy", "9999", null, e -> { });
        ClinicalEvent elsewhere = events.event("note", "1001", VeradigmSeed.ENCOUNTER_MARIO_OPEN, e -> { });
        ClinicalEvent vitalsElsewhere = events.event("vitals", "1001", VeradigmSeed.ENCOUNTER_MARIO_OPEN, e -> { });

        assertThat(adapter.send(TestEvents.write(nobody, 0, "allergy"))).isInstanceOfSatisfying(
                SendOutcome.Rejected.class, r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(adapter.send(TestEvents.write(elsewhere, 0, "note"))).isInstanceOfSatisfying(
                SendOutcome.Rejected.class, r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(adapter.send(TestEvents.write(vitalsElsewhere, 0, "vitals"))).isInstanceOf(
                SendOutcome.Rejected.class);
        assertThat(saves()).isEmpty();
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void an_encounter_row_whose_patient_cannot_be_read_goes_to_review_and_nothing_is_written() {
        sim.strict(true); // the encounter's patient nested, not in PatientID

        SendOutcome out = adapter().send(TestEvents.write(event("note", e -> { }), 0, "note"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Conflict.class,
                c -> assertThat(c.error().vendorCode()).isEqualTo("unrecognised-answer"));
        assertThat(saves()).isEmpty();
    }

    @Test
    void a_lost_answer_is_found_in_the_clinical_summary_by_its_read_columns_and_verified() {
        VeradigmAdapter adapter = adapter(settings(VeradigmSeed.APP_USER_PASSWORD), VeradigmSeed.UNITY_PASSWORD,
                Duration.ofMillis(700));
        WriteContext earlier = TestEvents.write(event("condition", e -> e.with("payload").with("code")
                .put("code", "59621000").put("display", "Essential hypertension")), 0, "problem");
        assertThat(adapter.send(earlier)).isInstanceOf(SendOutcome.Created.class);
        WriteContext write = TestEvents.write(event("condition", e -> { }), 0, "problem");
        assertThat(adapter.find(write)).as("before the send").isInstanceOf(FindOutcome.Absent.class);
        sim.loseSaveAnswers(1.0, 2_000);

        SendOutcome out = adapter.send(write);
        sim.loseSaveAnswers(0, 0);

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class);
        FindOutcome found = adapter.find(write);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        String id = ((FindOutcome.Found) found).ref().id();
        assertThat(sim.records("problem", VeradigmSeed.PATIENT_MARIA)).hasSize(2)
                .filteredOn(r -> r.id().equals(id)).singleElement()
                .satisfies(r -> assertThat(r.fields()).containsEntry("code", "38341003"));
        assertThat(adapter.verify(TestEvents.at(write, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
    }

    /**
     * The fault matrix's case: an identical condition of the same day is already on the chart when a save is lost
     * before Unity stored it. The earlier record was there before the send, so it is not this write's: absent, and
     * the write is sent again. Without knowing what was there before (another node), nothing is concluded.
     */
    @Test
    void a_lost_save_never_claims_an_identical_record_that_was_there_before_it_was_sent() {
        VeradigmAdapter adapter = adapter();
        WriteContext earlier = TestEvents.write(event("condition", e -> { }), 0, "problem");
        assertThat(adapter.send(earlier)).isInstanceOf(SendOutcome.Created.class);
        WriteContext again = TestEvents.write(event("condition", e -> e.put("occurredAt",
                TestEvents.SIMULATOR_NOW.minusSeconds(30).toString())), 0, "problem");
        sim.strict(true);
        sim.unityRequestsPerMinute(1); // the listing before the save passes; the save is refused, nothing stored

        SendOutcome out = adapter.send(again);
        sim.unityRequestsPerMinute(0);
        sim.strict(false);

        assertThat(out).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(sim.records("problem", VeradigmSeed.PATIENT_MARIA)).hasSize(1);
        assertThat(adapter.find(again)).isInstanceOf(FindOutcome.Absent.class);
        assertThat(adapter().find(again)).as("another node, which does not know what was there before")
                .isInstanceOf(FindOutcome.Undetermined.class);
    }

    @Test
    void where_the_read_shape_is_assumed_a_listing_without_the_record_does_not_prove_it_absent() {
        VeradigmAdapter adapter = adapter();

        FindOutcome allergy = adapter.find(TestEvents.write(event("allergy", e -> { }), 0, "allergy"));
        FindOutcome task = adapter.find(TestEvents.write(event("follow-up-task", e -> { }), 0, "task"));
        FindOutcome note = adapter.find(TestEvents.write(event("note", e -> { }), 0, "note"));

        assertThat(allergy).isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(task).isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(note).as("no document of the note's type yet").isInstanceOf(FindOutcome.Absent.class);
    }

    @Test
    void a_note_already_listed_cannot_be_told_from_an_earlier_one_so_the_find_goes_to_review() {
        VeradigmAdapter adapter = adapter();
        WriteContext write = TestEvents.write(event("note", e -> { }), 0, "note");
        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Created.class);

        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Undetermined.class);
    }

    @Test
    void a_dropped_field_reads_back_as_modified_naming_the_read_column() {
        VeradigmAdapter adapter = adapter();
        sim.faults().dropFields("problem", "code");
        WriteContext write = TestEvents.write(event("condition", e -> { }), 0, "problem");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);

        assertThat(adapter.verify(TestEvents.at(write, created.ref()))).isInstanceOfSatisfying(
                VerifyOutcome.Modified.class, m -> assertThat(m.fields()).containsExactly("entrycode"));
    }

    @Test
    void strict_answers_never_verify_or_find_falsely() {
        VeradigmAdapter adapter = adapter();
        sim.strict(true);
        WriteContext problem = TestEvents.write(event("condition", e -> { }), 0, "problem");
        WriteContext allergy = TestEvents.write(event("allergy", e -> { }), 0, "allergy");

        SendOutcome problemOut = adapter.send(problem);
        SendOutcome allergyOut = adapter.send(allergy);

        assertThat(problemOut).as("id as an object is no id").isInstanceOf(SendOutcome.Unknown.class);
        assertThat(allergyOut).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(adapter.find(problem)).as("problems are in an evidenced read shape")
                .isInstanceOf(FindOutcome.Found.class);
        assertThat(adapter.find(allergy)).as("allergies listed under another section")
                .isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(sim.records(null, VeradigmSeed.PATIENT_MARIA)).hasSize(2);
    }

    @Test
    void a_429_naming_a_retry_after_waits_that_long_a_bare_429_a_minute_and_a_503_is_reconciled() {
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

        assertThat(busy).as("no source says a 503 was not processed").isInstanceOf(SendOutcome.Unknown.class);
        assertThat(throttled).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThat(bare).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(UnityOutcomes.AFTER_429));
    }

    @Test
    void refused_service_credentials_or_ehr_user_are_retryable_later_as_auth_and_nothing_is_written() {
        VeradigmAdapter badService = adapter(settings(VeradigmSeed.APP_USER_PASSWORD), "wrong", Duration.ofSeconds(5));
        VeradigmAdapter badUser = adapter(settings("wrong"), VeradigmSeed.UNITY_PASSWORD, Duration.ofSeconds(5));

        SendOutcome service = badService.send(TestEvents.write(event("allergy", e -> { }), 0, "allergy"));
        SendOutcome user = badUser.send(TestEvents.write(event("allergy", e -> { }), 0, "allergy"));

        assertThat(service).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.error().message()).contains("Username and password not valid");
        });
        assertThat(user).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.error().errorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.error().message()).contains("ValidUser NO");
        });
        assertThat(sim.records(null, null)).isEmpty();
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
    void write_as_author_is_refused_at_startup_because_a_token_serves_one_ehr_user() {
        Map<String, String> settings = settings(VeradigmSeed.APP_USER_PASSWORD);
        settings.put("writeAsAuthor", "true");

        assertThatThrownBy(() -> adapter(settings, VeradigmSeed.UNITY_PASSWORD, Duration.ofSeconds(5)))
                .hasMessageContaining("GetUserAuthentication");
    }

    @Test
    void a_connection_check_binds_a_token_to_the_ehr_user_once_and_a_refused_user_is_down() {
        VeradigmAdapter adapter = adapter();

        ConnectionCheck first = adapter.check();
        ConnectionCheck again = adapter.check();

        assertThat(first.status()).as("%s", first).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(again.status()).isEqualTo(ConnectionCheck.Status.UP);
        assertThat(sim.stats().count("tokenRequests")).isEqualTo(1);
        assertThat(sim.stats().count("userAuthentications")).isEqualTo(1);
        assertThat(sim.records(null, null)).as("a check writes nothing").isEmpty();

        ConnectionCheck refused = adapter(settings("wrong"), VeradigmSeed.UNITY_PASSWORD, Duration.ofSeconds(5))
                .check();
        assertThat(refused.status()).isEqualTo(ConnectionCheck.Status.DOWN);
        assertThat(refused.detail()).startsWith("no token: ").doesNotContain("wrong");
    }
}
