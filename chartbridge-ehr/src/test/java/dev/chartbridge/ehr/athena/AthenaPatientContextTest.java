package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The patient is found by MRN and never guessed or created; vitals need an open encounter of that patient. Every
 * refusal names the identifier system, never the value, and leaves the chart (and the patient list) untouched.
 */
class AthenaPatientContextTest {
    @RegisterExtension
    static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

    @Test
    void an_mrn_shared_by_two_patients_is_refused_not_guessed() {
        AthenaSimulator sim = SIM.simulator();
        SendOutcome outcome = send(sim, AthenaFixture.example("condition", "2000", AthenaSeed.ENCOUNTER_MARIA_OPEN));

        SendOutcome.Rejected rejected = (SendOutcome.Rejected) outcome;
        assertThat(rejected.error().errorClass()).isEqualTo(ErrorClass.INVALID);
        assertThat(rejected.error().vendorCode()).isEqualTo("ambiguous");
        assertThat(rejected.error().message()).contains("2 athenahealth patients share the MRN")
                .contains(AthenaSeed.MRN_SYSTEM).doesNotContain("2000");
        assertThat(AthenaFixture.posts(sim)).as("no write, no POST /patients").isZero();
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void an_unknown_mrn_is_refused() {
        AthenaSimulator sim = SIM.simulator();
        SendOutcome.Rejected rejected = (SendOutcome.Rejected) send(sim,
                AthenaFixture.example("note", "999999", AthenaSeed.ENCOUNTER_MARIA_OPEN));
        assertThat(rejected.error().vendorCode()).isEqualTo("not-found");
        assertThat(rejected.error().message()).doesNotContain("999999");
        assertThat(AthenaFixture.posts(sim)).isZero();
    }

    @Test
    void vitals_for_a_closed_encounter_are_refused_before_anything_is_posted() {
        AthenaSimulator sim = SIM.simulator();
        SendOutcome.Rejected rejected = (SendOutcome.Rejected) send(sim,
                AthenaFixture.example("vitals", "1001", AthenaSeed.ENCOUNTER_MARIA_CLOSED));
        assertThat(rejected.error().vendorCode()).isEqualTo("encounter-closed");
        assertThat(AthenaFixture.posts(sim)).isZero();
    }

    @Test
    void an_encounter_of_another_patient_is_refused() {
        AthenaSimulator sim = SIM.simulator();
        SendOutcome.Rejected rejected = (SendOutcome.Rejected) send(sim,
                AthenaFixture.example("vitals", "1001", AthenaSeed.ENCOUNTER_MARIO_OPEN));
        assertThat(rejected.error().vendorCode()).isEqualTo("encounter-patient-mismatch");
        assertThat(sim.records(null, null)).isEmpty();
    }

    @Test
    void vitals_whose_encounter_is_not_an_athena_encounter_id_are_refused_at_intake() {
        ObjectNode json = AthenaFixture.example("vitals");
        ((ObjectNode) json.at("/encounter/identifier")).put("system", "urn:chartbridge:sim:visit").put("value", "V5001");
        WritePlan plan = AthenaFixture.adapter(SIM.simulator()).plan(AthenaFixture.parse(json));
        assertThat(plan.refusal()).contains("athena encounter id").contains(AthenaSettings.DEFAULT_ENCOUNTER_SYSTEM);
    }

    @Test
    void follow_up_tasks_and_consents_are_refused_at_intake() {
        AthenaAdapter adapter = AthenaFixture.adapter(SIM.simulator());
        assertThat(adapter.plan(AthenaFixture.parse(AthenaFixture.example("follow-up-task"))).refusal())
                .contains("task");
        assertThat(adapter.plan(AthenaFixture.parse(AthenaFixture.example("consent"))).refusal()).contains("consent");
        assertThat(adapter.plan(AthenaFixture.parse(AthenaFixture.example("vitals"))).resourceTypes())
                .containsExactly("vitals", "vitals");
    }

    private static SendOutcome send(AthenaSimulator sim, ObjectNode json) {
        return AthenaFixture.adapter(sim).send(AthenaFixture.write(AthenaFixture.parse(json), 0));
    }
}
