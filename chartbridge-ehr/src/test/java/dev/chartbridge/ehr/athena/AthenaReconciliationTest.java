package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * athena has no idempotency key: a write whose answer was lost is found again by its content fingerprint, so a
 * resend never duplicates it; read-back compares the critical fields of the stored record.
 */
class AthenaReconciliationTest {
    @RegisterExtension
    static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

    @Test
    void a_write_committed_before_the_answer_was_lost_is_found_and_not_sent_again() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        WriteContext write = AthenaFixture.write("condition");
        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Absent.class); // token and patient now cached
        sim.faults().commitThenTimeout(1.0, 300);

        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Unknown.class);
        sim.faults().clear();
        FindOutcome found = adapter.find(write);

        List<ChartStore.Entry> stored = sim.records("problem", AthenaFixture.MARIA);
        assertThat(stored).hasSize(1);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        assertThat(((FindOutcome.Found) found).ref()).isEqualTo(new RemoteRef("problem", stored.get(0).id(), null));
        assertThat(adapter.verify(AthenaFixture.at(write, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(AthenaFixture.chartRequests(sim, "POST")).hasSize(1);
    }

    @Test
    void lost_vitals_are_found_by_both_blood_pressure_readings() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        WriteContext write = AthenaFixture.write("vitals");
        adapter.send(AthenaFixture.write("condition")); // token, patient and encounter now cached
        sim.faults().commitThenReset(1.0);
        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Unknown.class);
        sim.faults().clear();

        FindOutcome.Found found = (FindOutcome.Found) adapter.find(write);

        List<String> ids = sim.records("vitals", AthenaFixture.MARIA).stream().map(ChartStore.Entry::id).toList();
        assertThat(found.ref().id()).isEqualTo(String.join(",", ids));
        assertThat(adapter.verify(AthenaFixture.at(write, found.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void nothing_stored_is_absent_and_an_earlier_record_of_another_date_is_not_taken_for_this_write() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        assertThat(adapter.find(AthenaFixture.write("condition"))).isInstanceOf(FindOutcome.Absent.class);

        ObjectNode earlier = AthenaFixture.example("condition");
        ((ObjectNode) earlier.get("payload")).put("onset", "2026-09-01");
        adapter.send(AthenaFixture.write(AthenaFixture.parse(earlier), 0));

        assertThat(adapter.find(AthenaFixture.write("condition"))).isInstanceOf(FindOutcome.Absent.class);
    }

    @Test
    void the_same_content_recorded_before_the_event_happened_is_not_this_write() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        adapter.send(AthenaFixture.write("condition"));
        ObjectNode later = AthenaFixture.example("condition");
        later.put("occurredAt", Instant.now().plusSeconds(3600).toString().replaceAll("\\.\\d+", ""));
        // a future occurredAt is refused by intake; the adapter only compares it with createddatetime
        WriteContext write = AthenaFixture.write(AthenaFixture.parseLenient(later), 0);

        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Absent.class);
    }

    @Test
    void two_records_with_this_writes_fingerprint_are_ambiguous() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        adapter.send(AthenaFixture.write("allergy"));
        adapter.send(AthenaFixture.write("allergy"));

        FindOutcome.Ambiguous ambiguous = (FindOutcome.Ambiguous) adapter.find(AthenaFixture.write("allergy"));

        assertThat(ambiguous.candidates()).hasSize(2);
    }

    @Test
    void a_dropped_field_reads_back_as_modified_naming_it() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        sim.faults().dropFields("problem", "note");
        WriteContext write = AthenaFixture.write("condition");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);
        VerifyOutcome outcome = adapter.verify(AthenaFixture.at(write, created.ref()));

        assertThat(outcome).isInstanceOf(VerifyOutcome.Modified.class);
        assertThat(((VerifyOutcome.Modified) outcome).fields()).containsExactly("note");
        assertThat(sim.records("problem", AthenaFixture.MARIA).get(0).fields()).doesNotContainKey("note");
    }

    @Test
    void hidden_vitals_are_not_yet_readable_and_cannot_be_declared_absent() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        sim.vitalsHidden(true);
        WriteContext write = AthenaFixture.write("vitals");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);

        assertThat(adapter.verify(AthenaFixture.at(write, created.ref())))
                .isInstanceOf(VerifyOutcome.NotYetReadable.class);
        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(sim.records("vitals", AthenaFixture.MARIA)).hasSize(2);
    }
}
