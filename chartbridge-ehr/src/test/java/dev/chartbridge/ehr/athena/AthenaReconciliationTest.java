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
        adapter.send(AthenaFixture.write("medication-change"));
        adapter.send(AthenaFixture.write("medication-change"));

        FindOutcome.Ambiguous ambiguous = (FindOutcome.Ambiguous) adapter.find(AthenaFixture.write("medication-change"));

        assertThat(ambiguous.candidates()).hasSize(2);
    }

    @Test
    void an_allergen_already_on_the_list_goes_to_review_and_is_not_put_again() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        WriteContext write = AthenaFixture.write("allergy");
        SendOutcome.Created first = (SendOutcome.Created) adapter.send(write);

        SendOutcome second = adapter.send(AthenaFixture.write("allergy"));

        assertThat(first.ref().id()).as("athena's allergen id, not the RxNorm code").isEqualTo("10831");
        assertThat(second).isInstanceOf(SendOutcome.Conflict.class);
        assertThat(((SendOutcome.Conflict) second).error().vendorCode()).isEqualTo("allergen-listed");
        assertThat(AthenaFixture.writes(sim)).hasSize(1);
        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Found.class);
        assertThat(adapter.verify(AthenaFixture.at(write, first.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void a_dropped_field_reads_back_as_modified_naming_it_in_athenas_read_names() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        sim.faults().dropFields("problem", "startdate");
        WriteContext write = AthenaFixture.write("condition");

        SendOutcome.Created created = (SendOutcome.Created) adapter.send(write);
        VerifyOutcome outcome = adapter.verify(AthenaFixture.at(write, created.ref()));

        assertThat(outcome).isInstanceOf(VerifyOutcome.Modified.class);
        assertThat(((VerifyOutcome.Modified) outcome).fields()).containsExactly("startdate");
    }

    /**
     * Strict mode: the encounter vitals call ignores {@code returnvitalids} (no source says it honours it), the
     * readings are listed flat, ids are numbers. The write is unknown, then found by reading, verified, never resent.
     */
    @Test
    void vitals_without_ids_in_the_answer_are_found_by_reading_and_not_resent() {
        AthenaSimulator sim = SIM.simulator();
        sim.strict(true);
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        WriteContext write = AthenaFixture.write("vitals");

        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Unknown.class);
        FindOutcome.Found found = (FindOutcome.Found) adapter.find(write);

        List<String> ids = sim.records("vitals", AthenaFixture.MARIA).stream().map(ChartStore.Entry::id).toList();
        assertThat(found.ref().id()).isEqualTo(String.join(",", ids));
        assertThat(adapter.verify(AthenaFixture.at(write, found.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(AthenaFixture.writes(sim)).hasSize(1);
    }

    @Test
    void a_medication_is_sent_with_athenas_own_id_never_the_rxnorm_code() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);

        assertThat(adapter.send(AthenaFixture.write("medication-change"))).isInstanceOf(SendOutcome.Created.class);

        assertThat(AthenaFixture.writes(sim)).singleElement().satisfies(r -> assertThat(r.bodyText())
                .contains("medicationid=299001").doesNotContain("314076"));
    }

    @Test
    void a_medication_whose_name_is_not_unambiguous_in_athenas_reference_is_not_sent() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        ObjectNode twoIds = AthenaFixture.example("medication-change");
        ((ObjectNode) twoIds.at("/payload/medication")).put("display", "metformin 500 mg oral tablet");
        ObjectNode none = AthenaFixture.example("medication-change");
        ((ObjectNode) none.at("/payload/medication")).put("display", "lisinopril 10 MG Oral Capsule");

        SendOutcome ambiguous = adapter.send(AthenaFixture.write(AthenaFixture.parse(twoIds), 0));
        SendOutcome unknown = adapter.send(AthenaFixture.write(AthenaFixture.parse(none), 0));

        assertThat(ambiguous).isInstanceOf(SendOutcome.Conflict.class);
        assertThat(((SendOutcome.Conflict) ambiguous).error().message()).contains("310001").contains("310002");
        assertThat(unknown).isInstanceOf(SendOutcome.Rejected.class);
        assertThat(((SendOutcome.Rejected) unknown).error().vendorCode()).isEqualTo("no-reference-match");
        assertThat(AthenaFixture.writes(sim)).as("nothing sent").isEmpty();
    }
}
