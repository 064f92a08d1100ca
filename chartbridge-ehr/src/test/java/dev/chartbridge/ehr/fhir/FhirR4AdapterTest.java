package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.ehr.vendortest.TestEvents;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The generic FHIR R4 adapter never lets the HTTP client resend a create on its own. */
class FhirR4AdapterTest {
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static final TestEvents EVENTS = new TestEvents(SeedData.MRN_SYSTEM, SeedData.VISIT_SYSTEM);

    private FhirR4Adapter adapter() {
        return new FhirR4Adapter(FhirConnection.of(ehr.simulator().baseUrl()).withReadTimeout(Duration.ofSeconds(2)));
    }

    /** A blood pressure for Maria in her open encounter, under the operation key {@code key}. */
    private static WriteContext vitals(String key) {
        return Writes.write(EVENTS.event("vitals", SeedData.MRN_MARIA, "V5001", e -> { }), 0, key);
    }

    private static int posts(FhirSimulator sim) {
        return sim.stats().journal().matching("POST", "/fhir/Observation").size();
    }

    @Test
    void a_connection_reset_after_the_create_was_sent_is_unknown_and_the_post_left_exactly_once() {
        FhirSimulator sim = ehr.simulator();
        ClinicalEvent event = EVENTS.event("vitals", SeedData.MRN_MARIA, "V5001", e -> { });
        WriteContext write = Writes.write(event, 0, "reset-once");
        adapter().find(write); // warm the patient and encounter lookups
        sim.faults().commitThenReset(1.0);

        SendOutcome outcome = adapter().send(write);

        assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(posts(sim)).as("POSTs on the wire").isEqualTo(1);
        sim.faults().clear();
        assertThat(adapter().find(write)).isInstanceOf(FindOutcome.Found.class);
    }

    @Test
    void a_reset_before_the_ehr_processed_anything_is_still_sent_once() {
        FhirSimulator sim = ehr.simulator();
        ClinicalEvent event = EVENTS.event("vitals", SeedData.MRN_MARIA, "V5001", e -> { });
        WriteContext write = Writes.write(event, 0, "reset-before");
        adapter().find(write);
        sim.faults().resetBeforeCommit(1.0, true);

        SendOutcome outcome = adapter().send(write);

        assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(posts(sim)).isEqualTo(1);
        sim.faults().clear();
        assertThat(adapter().find(write)).isInstanceOf(FindOutcome.Absent.class);
    }

    /** HAPI takes its HTTP client from the FhirContext; the one the gateway configures must be that one. */
    @Test
    void a_reset_read_is_not_repeated_by_the_http_client_either() {
        FhirSimulator sim = ehr.simulator();
        FhirR4Adapter adapter = adapter();
        adapter.find(vitals("reset-read")); // the patient and encounter lookups, cached
        sim.stats().journal().clear();
        sim.faults().resetBeforeCommit(1.0, false);

        FindOutcome outcome = adapter.find(vitals("reset-read"));

        sim.faults().clear();
        assertThat(outcome).isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(sim.stats().journal().matching("GET", "/fhir/Observation")).as("searches on the wire").hasSize(1);
        assertThat(outcome.exchange().httpStatus()).as("no answer is no HTTP status").isZero();
    }

    @Test
    void the_connections_read_timeout_bounds_a_lost_answer() {
        FhirSimulator sim = ehr.simulator();
        sim.faults().commitThenTimeout(1.0, 5_000);

        long started = System.nanoTime();
        SendOutcome outcome = new FhirR4Adapter(FhirConnection.of(sim.baseUrl())
                .withReadTimeout(Duration.ofMillis(400))).send(vitals("slow"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        sim.faults().clear();
        assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(took).as("the answer was given up after the read timeout, not the EHR's hang")
                .isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void a_503_names_its_retry_after_to_the_engine() {
        FhirSimulator sim = ehr.simulator();
        sim.faults().errorRate(1.0, 503, 2, true);

        SendOutcome outcome = adapter().send(vitals("busy"));

        sim.faults().clear();
        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
        assertThat(adapter().send(vitals("busy"))).isInstanceOf(SendOutcome.Created.class);
    }

    @Test
    void the_connections_read_timeout_is_recorded_as_no_answer_not_as_an_http_status() {
        FhirSimulator sim = ehr.simulator();
        FhirR4Adapter adapter = new FhirR4Adapter(FhirConnection.of(sim.baseUrl()).withReadTimeout(Duration.ofMillis(400)));
        adapter.find(vitals("lost")); // lookups cached
        sim.faults().commitThenTimeout(1.0, 3_000);

        SendOutcome outcome = adapter.send(vitals("lost"));

        sim.faults().clear();
        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Unknown.class,
                u -> assertThat(u.exchange().httpStatus()).isZero());
    }

    @Test
    void an_event_naming_another_patients_encounter_is_refused_and_nothing_is_written() {
        FhirSimulator sim = ehr.simulator();
        // Maria's MRN with the visit of Mario, the confusable patient
        WriteContext w = Writes.write(EVENTS.event("vitals", SeedData.MRN_MARIA, "V5003", e -> { }), 0, "wrong-visit");

        SendOutcome outcome = adapter().send(w);

        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().vendorCode()).isEqualTo("wrong-patient");
            assertThat(r.error().message()).contains("another patient").doesNotContain("V5003");
        });
        assertThat(posts(sim)).isZero();
    }

    @Test
    void an_ambiguous_patient_goes_to_review_with_the_candidates_and_an_unknown_one_is_refused() {
        FhirSimulator sim = ehr.simulator();
        SendOutcome ambiguous = adapter().send(Writes.write(EVENTS.event("vitals", SeedData.MRN_AMBIGUOUS, null,
                e -> { }), 0, "lee"));
        SendOutcome unknown = adapter().send(Writes.write(EVENTS.event("vitals", "9999", null, e -> { }), 0, "nobody"));

        assertThat(ambiguous).isInstanceOfSatisfying(SendOutcome.NeedsReview.class, r -> assertThat(
                r.error().message()).contains("Patient/" + SeedData.PATIENT_LEE_A, "Patient/" + SeedData.PATIENT_LEE_B));
        assertThat(unknown).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(posts(sim)).isZero();
    }

    @Test
    void a_lookup_that_fails_for_a_passing_reason_defers_the_write_unsent() {
        FhirSimulator sim = ehr.simulator();
        sim.faults().errorRate(1.0, 500, null, false);
        SendOutcome failed = adapter().send(vitals("lookup-500"));
        sim.faults().clear();
        sim.faults().tooManyRequestsRate(1.0, 7, false);
        SendOutcome throttled = adapter().send(vitals("lookup-429"));
        sim.faults().clear();
        sim.faults().errorRate(1.0, 408, null, false);
        SendOutcome timedOut = adapter().send(vitals("lookup-408"));
        sim.faults().clear();
        sim.faults().latency(3_000, 3_000, false);
        SendOutcome hung = new FhirR4Adapter(FhirConnection.of(sim.baseUrl()).withReadTimeout(Duration.ofMillis(300)))
                .send(vitals("lookup-hung"));
        sim.faults().clear();

        for (SendOutcome o : java.util.List.of(failed, throttled, timedOut, hung)) {
            assertThat(o).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> assertThat(r.notSent()).isTrue());
        }
        assertThat(failed.exchange().httpStatus()).isEqualTo(500);
        assertThat(((SendOutcome.Retryable) throttled).retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(hung.exchange().httpStatus()).as("no answer").isZero();
        assertThat(posts(sim)).isZero();
    }

    @Test
    void a_refused_connection_defers_the_write_unsent() {
        SendOutcome outcome = new FhirR4Adapter(FhirConnection.of("http://127.0.0.1:9/fhir")
                .withReadTimeout(Duration.ofSeconds(2))).send(vitals("refused"));

        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.notSent()).isTrue();
            assertThat(r.exchange().httpStatus()).isZero();
        });
    }

    @Test
    void a_408_on_the_create_is_retried() {
        FhirSimulator sim = ehr.simulator();
        FhirR4Adapter adapter = adapter();
        adapter.find(vitals("408"));
        sim.faults().errorRate(1.0, 408, null, true);

        SendOutcome outcome = adapter.send(vitals("408"));

        sim.faults().clear();
        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.exchange().httpStatus()).isEqualTo(408));
    }

    @Test
    void a_409_on_the_conditional_create_finds_the_record_and_completes_the_write() {
        FhirSimulator sim = ehr.simulator();
        FhirR4Adapter adapter = adapter();
        SendOutcome.Created first = (SendOutcome.Created) adapter.send(vitals("raced"));
        sim.faults().errorRate(1.0, 409, null, true);

        SendOutcome again = adapter.send(vitals("raced"));

        sim.faults().clear();
        assertThat(again).isInstanceOfSatisfying(SendOutcome.Created.class, c -> {
            assertThat(c.ref().id()).isEqualTo(first.ref().id());
            assertThat(c.exchange().httpStatus()).isEqualTo(409);
        });
        assertThat(sim.countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, "raced")).isEqualTo(1);
    }

    @Test
    void an_instant_with_milliseconds_is_sent_whole_and_verified() {
        FhirSimulator sim = ehr.simulator();
        FhirR4Adapter adapter = adapter();
        WriteContext w = Writes.write(EVENTS.event("vitals", SeedData.MRN_MARIA, "V5001",
                e -> e.put("occurredAt", "2026-11-20T09:15:00.123Z")), 0, "millis");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(w);

        assertThat(sim.stats().journal().matching("POST", "/fhir/Observation").get(0).bodyText())
                .contains("2026-11-20T09:15:00.123+00:00");
        assertThat(adapter.verify(Writes.at(w, created.ref())))
                .isInstanceOf(dev.chartbridge.core.adapter.VerifyOutcome.Verified.class);
    }

    /** Every request this test's adapter made is an endpoint the evidence ledger names ({@code docs/evidence}). */
    @org.junit.jupiter.api.AfterEach
    void every_request_is_evidenced() {
        assertThat(dev.chartbridge.core.testing.EvidenceLedger.load().unevidenced("fhir-r4", ehr.simulator().stats()
                .journal().all().stream().map(r -> r.method() + " " + r.pathAndQuery()).toList()))
                .as("requests no endpoint entry of docs/evidence/%s.yaml covers", "fhir-r4").isEmpty();
    }
}
