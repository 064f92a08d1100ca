package dev.chartbridge.simulators.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.Test;

/** A generated population (for load tests) is part of the seed: findable by MRN and visit, kept by reset. */
class PopulationTest {

  private static Bundle search(IGenericClient client, String url) {
    return client.search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  @Test
  void each_generated_patient_has_one_mrn_and_one_open_encounter_and_reset_keeps_them() {
    try (FhirSimulator sim = FhirSimulator.start(0, 300)) {
      IGenericClient client = TestClients.fhirClient(sim);
      sim.reset();

      assertThat(sim.population()).isEqualTo(300);
      assertThat(sim.resources("Patient")).hasSize(5 + 300);
      Bundle patient = search(client, "Patient?identifier=" + SeedData.MRN_SYSTEM + "|" + SeedData.populationMrn(299));
      assertThat(patient.getTotal()).isEqualTo(1);
      String patientId = patient.getEntryFirstRep().getResource().getIdElement().getIdPart();
      Bundle visit = search(client, "Encounter?identifier=" + SeedData.VISIT_SYSTEM + "|"
          + SeedData.populationVisit(299));
      assertThat(visit.getTotal()).isEqualTo(1);
      Encounter encounter = (Encounter) visit.getEntryFirstRep().getResource();
      assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
      assertThat(encounter.getSubject().getReferenceElement().getIdPart()).isEqualTo(patientId);
      assertThat(search(client, "Patient?identifier=" + SeedData.MRN_SYSTEM + "|" + SeedData.populationMrn(300))
          .getTotal()).isZero();
    }
  }

  @Test
  void the_default_simulator_has_no_population() {
    try (FhirSimulator sim = FhirSimulator.start()) {
      assertThat(sim.population()).isZero();
      assertThat(sim.resources("Patient")).hasSize(5);
    }
    assertThatThrownBy(() -> FhirSimulator.start(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
