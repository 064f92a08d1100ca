package dev.chartbridge.simulators.ecw;

import static dev.chartbridge.simulators.ecw.EcwFixtures.hypertension;
import static dev.chartbridge.simulators.ecw.EcwFixtures.json;
import static dev.chartbridge.simulators.ecw.EcwFixtures.send;
import static dev.chartbridge.simulators.ecw.EcwFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chartbridge.simulators.fhir.SeedData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A generated population (for load tests) under eCW ids: found by account and encounter id, writable. */
class EcwPopulationTest {

  @Test
  void a_generated_patient_is_found_by_account_and_takes_a_condition_in_its_open_encounter() throws Exception {
    try (EcwSimulator sim = EcwSimulator.builder().population(50).start()) {
      sim.reset();
      String token = EcwFixtures.token(sim);
      String mrn = SeedData.populationMrn(49);

      var patients = tree(send("GET", sim.baseUrl() + "/Patient?identifier=" + EcwSeed.ACCOUNT_SYSTEM + "|" + mrn,
          token, null, Map.of()));
      // eCW declares no identifier search on Encounter: the patient's encounters are listed
      var encounters = tree(send("GET", sim.baseUrl() + "/Encounter?patient=ecwpat" + mrn, token, null, Map.of()));

      assertThat(patients.path("total").asInt()).isEqualTo(1);
      assertThat(patients.at("/entry/0/resource/id").asText()).isEqualTo("ecwpat" + mrn);
      assertThat(encounters.path("total").asInt()).isEqualTo(1);
      assertThat(encounters.at("/entry/0/resource/id").asText()).isEqualTo("ecwenc" + mrn);
      assertThat(encounters.at("/entry/0/resource/status").asText()).isEqualTo("in-progress");
      assertThat(send("POST", sim.baseUrl() + "/Condition", token,
          json(hypertension("ecwpat" + mrn, "ecwenc" + mrn, "p1")), Map.of()).statusCode()).isEqualTo(201);
      assertThat(sim.resources("Patient")).hasSize(5 + 50);
    }
  }
}
