package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
    void an_mrn_shared_by_two_patients_goes_to_review_with_the_candidates_not_guessed() {
        AthenaSimulator sim = SIM.simulator();
        SendOutcome outcome = send(sim, AthenaFixture.example("condition", "2000", AthenaSeed.ENCOUNTER_MARIA_OPEN));

        SendOutcome.Conflict review = (SendOutcome.Conflict) outcome;
        assertThat(review.error().vendorCode()).isEqualTo("ambiguous-patient");
        assertThat(review.error().message()).contains("2 athenahealth patients carry the MRN")
                .contains(AthenaSeed.PATIENT_LEE_A).contains(AthenaSeed.PATIENT_LEE_B)
                .contains(AthenaSeed.MRN_SYSTEM).doesNotContain("2000");
        assertThat(sim.stats().journal().matching("GET", "/v1/" + AthenaSeed.PRACTICE_ID
                + "/patients/customfields/" + AthenaSeed.MRN_CUSTOM_FIELD_ID + "/2000")).as("found by the custom field")
                .hasSize(1);
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

    /**
     * Issue 11 at athena: an event for Maria naming Mario's visit is written nowhere, whatever its type. athena's
     * encounter read names no patient, so the binding is proven from Maria's own encounter list.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vitals", "note", "condition", "allergy", "medication-change"})
    void an_event_naming_another_patients_encounter_is_never_written(String type) {
        AthenaSimulator sim = SIM.simulator();
        SendOutcome outcome = send(sim, AthenaFixture.example(type, "1001", AthenaSeed.ENCOUNTER_MARIO_OPEN));

        assertThat(outcome).as(type).isInstanceOf(SendOutcome.Rejected.class);
        assertThat(((SendOutcome.Rejected) outcome).error().vendorCode()).isEqualTo("encounter-patient-mismatch");
        assertThat(AthenaFixture.writes(sim)).as("nothing reached the chart").isEmpty();
        assertThat(sim.stats().journal().matching("GET", "/v1/" + AthenaSeed.PRACTICE_ID + "/chart/"
                + AthenaSeed.PATIENT_MARIA + "/encounters")).as("proven from the patient's encounter list").isNotEmpty();
    }

    /** A practice has several departments: a write naming an encounter is filed and read under the encounter's. */
    @Test
    void a_write_is_filed_under_its_encounters_department() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        WriteContext write = AthenaFixture.write(AthenaFixture.parse(
                AthenaFixture.example("condition", "1002", AthenaSeed.ENCOUNTER_MARIO_OPEN)), 0);

        assertThat(adapter.send(write)).isInstanceOf(SendOutcome.Created.class);
        assertThat(adapter.find(write)).isInstanceOf(FindOutcome.Found.class);

        assertThat(AthenaFixture.writes(sim)).singleElement()
                .satisfies(r -> assertThat(r.bodyText()).contains("departmentid=" + AthenaSeed.DEPARTMENT_ID_EAST));
        assertThat(sim.stats().journal().matching("GET", "/v1/" + AthenaSeed.PRACTICE_ID + "/chart/"
                + AthenaSeed.PATIENT_MARIO + "/problems")).singleElement()
                .satisfies(r -> assertThat(r.pathAndQuery()).contains("departmentid=" + AthenaSeed.DEPARTMENT_ID_EAST));
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
