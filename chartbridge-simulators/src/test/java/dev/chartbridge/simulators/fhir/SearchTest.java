package dev.chartbridge.simulators.fhir;

import static dev.chartbridge.simulators.fhir.TestClients.heartRate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Search really filters: the gateway's patient matching and reconciliation depend on it. */
class SearchTest {

  @RegisterExtension static final FhirSimulatorExtension SIM = new FhirSimulatorExtension();

  private IGenericClient client;

  @BeforeEach
  void storeObservations() {
    client = TestClients.fhirClient(SIM.simulator());
    client.create().resource(heartRate(SeedData.PATIENT_MARIA, "s1")).execute();
    client.create().resource(heartRate(SeedData.PATIENT_MARIA, "s2")).execute();
    Observation inEncounter = heartRate(SeedData.PATIENT_MARIA, "s3");
    inEncounter.setEncounter(new Reference("Encounter/" + SeedData.ENCOUNTER_MARIA_OPEN));
    client.create().resource(inEncounter).execute();
    client.create().resource(heartRate(SeedData.PATIENT_MARIO, "s4")).execute();
  }

  private Bundle search(String url) {
    return client.search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  private static String ids(Bundle bundle) {
    return String.join(",", bundle.getEntry().stream()
        .map(e -> e.getResource().getIdElement().getIdPart()).toList());
  }

  @Test
  void search_by_mrn_with_system_finds_exactly_one_patient() {
    Bundle bundle = search("Patient?identifier=" + SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIA);

    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(bundle.getTotal()).isEqualTo(1);
    assertThat(ids(bundle)).isEqualTo(SeedData.PATIENT_MARIA);
  }

  @Test
  void search_by_ambiguous_mrn_without_system_finds_both_patients() {
    Bundle bundle = search("Patient?identifier=" + SeedData.MRN_AMBIGUOUS);

    assertThat(bundle.getTotal()).isEqualTo(2);
    assertThat(ids(bundle)).isEqualTo(SeedData.PATIENT_LEE_A + "," + SeedData.PATIENT_LEE_B);
  }

  @Test
  void search_by_identifier_with_wrong_system_finds_nothing() {
    assertThat(search("Patient?identifier=urn:other|" + SeedData.MRN_MARIA).getTotal()).isZero();
  }

  @Test
  void search_by_patient_and_subject_filters_observations() {
    assertThat(search("Observation?patient=" + SeedData.PATIENT_MARIA).getTotal()).isEqualTo(3);
    assertThat(search("Observation?subject=Patient/" + SeedData.PATIENT_MARIO).getTotal()).isEqualTo(1);
    assertThat(search("Observation?patient=" + SeedData.PATIENT_JAMES).getTotal()).isZero();
  }

  @Test
  void search_by_encounter_and_identifier_combine_with_and() {
    Bundle byEncounter = search("Observation?encounter=Encounter/" + SeedData.ENCOUNTER_MARIA_OPEN);
    Bundle both = search("Observation?patient=" + SeedData.PATIENT_MARIA
        + "&identifier=" + TestClients.TEST_SYSTEM + "|s1");

    assertThat(byEncounter.getTotal()).isEqualTo(1);
    assertThat(((Observation) byEncounter.getEntryFirstRep().getResource()).getIdentifierFirstRep().getValue())
        .isEqualTo("s3");
    assertThat(both.getTotal()).isEqualTo(1);
  }

  @Test
  void count_limits_entries_but_total_counts_all_matches() {
    Bundle bundle = search("Observation?patient=" + SeedData.PATIENT_MARIA + "&_count=2");

    assertThat(bundle.getTotal()).isEqualTo(3);
    assertThat(bundle.getEntry()).hasSize(2);
  }

  @Test
  void search_encounters_by_patient_and_status() {
    Bundle bundle = search("Encounter?patient=" + SeedData.PATIENT_MARIA + "&status=in-progress");

    assertThat(ids(bundle)).isEqualTo(SeedData.ENCOUNTER_MARIA_OPEN);
  }

  @Test
  void search_practitioner_by_npi_and_by_id() {
    assertThat(ids(search("Practitioner?identifier=" + SeedData.NPI_SYSTEM + "|" + SeedData.NPI_SAMUEL)))
        .isEqualTo(SeedData.PRACTITIONER_SAMUEL);
    assertThat(ids(search("Practitioner?_id=" + SeedData.PRACTITIONER_ADA)))
        .isEqualTo(SeedData.PRACTITIONER_ADA);
  }

  @Test
  void search_patients_by_family_and_birthdate() {
    assertThat(ids(search("Patient?family=garcia&birthdate=1980-04-21"))).isEqualTo(SeedData.PATIENT_MARIO);
  }

  @Test
  void unsupported_search_parameter_is_rejected_rather_than_ignored() {
    assertThatThrownBy(() -> search("Observation?value-quantity=120"))
        .isInstanceOf(InvalidRequestException.class);
  }

  private Provenance provenanceOf(String target, String tag) {
    Provenance provenance = new Provenance();
    provenance.getMeta().addTag("urn:chartbridge:test:tag", tag, null);
    provenance.addTarget(new Reference(target));
    provenance.setRecorded(new java.util.Date());
    provenance.addAgent().setWho(new Reference().setDisplay("someone"));
    return provenance;
  }

  @Test
  void provenance_is_searched_by_tag_and_by_target_and_conditionally_created_on_its_tag() throws Exception {
    String observation = "Observation/" + search("Observation?identifier=" + TestClients.TEST_SYSTEM + "|s1")
        .getEntryFirstRep().getResource().getIdElement().getIdPart();
    var created = TestClients.post(SIM.simulator().baseUrl() + "/Provenance", TestClients.FHIR.newJsonParser()
        .setStripVersionsFromReferences(false).encodeResourceToString(provenanceOf(observation + "/_history/1", "p1")),
        java.util.Map.of());
    assertThat(created.statusCode()).isEqualTo(201);
    String stored = TestClients.FHIR.newJsonParser().parseResource(Provenance.class, created.body()).getIdPart();
    client.create().resource(provenanceOf("Observation/999", "p2")).execute();
    assertThat(client.read().resource(Provenance.class).withId(stored).execute().getTargetFirstRep().getReference())
        .as("served as sent, with its version").isEqualTo(observation + "/_history/1");

    assertThat(search("Provenance?_tag=urn:chartbridge:test:tag|p1").getTotal()).isEqualTo(1);
    assertThat(search("Provenance?_tag=urn:chartbridge:test:tag|p3").getTotal()).isZero();
    assertThat(search("Provenance?_tag=urn:other|p1").getTotal()).isZero();
    assertThat(search("Provenance?target=" + observation).getTotal()).as("any version of the target").isEqualTo(1);

    var again = TestClients.post(SIM.simulator().baseUrl() + "/Provenance",
        TestClients.FHIR.newJsonParser().encodeResourceToString(provenanceOf(observation, "p1")),
        java.util.Map.of("If-None-Exist", "_tag=urn:chartbridge:test:tag|p1"));
    assertThat(again.statusCode()).as("matched the stored one").isEqualTo(200);
    assertThat(SIM.simulator().resources("Provenance")).hasSize(2);
  }

  @Test
  void the_capability_statement_declares_the_search_parameters_the_simulator_filters_on() {
    CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
    CapabilityStatement.CapabilityStatementRestResourceComponent provenance = statement.getRestFirstRep()
        .getResource().stream().filter(r -> r.getType().equals("Provenance")).findFirst().orElseThrow();

    assertThat(provenance.getConditionalCreate()).isTrue();
    assertThat(provenance.getInteraction()).extracting(i -> i.getCode().toCode()).contains("create", "search-type");
    assertThat(provenance.getSearchParam()).extracting(p -> p.getName() + ":" + p.getType().toCode())
        .contains("_tag:token", "target:reference").doesNotContain("identifier:token");
  }
}
