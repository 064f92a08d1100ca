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
        sim.stats().journal().clear();
        sim.faults().resetBeforeCommit(1.0, false);

        FindOutcome outcome = adapter().find(vitals("reset-read"));

        sim.faults().clear();
        assertThat(outcome).isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(sim.stats().journal().matching("GET", "/fhir/Observation")).as("searches on the wire").hasSize(1);
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
}
