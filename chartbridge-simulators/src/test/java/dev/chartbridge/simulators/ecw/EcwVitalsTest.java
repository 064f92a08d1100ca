package dev.chartbridge.simulators.ecw;

import static dev.chartbridge.simulators.ecw.EcwFixtures.send;
import static dev.chartbridge.simulators.ecw.EcwFixtures.tree;
import static dev.chartbridge.simulators.ecw.EcwSeed.ENCOUNTER_MARIA_OPEN;
import static dev.chartbridge.simulators.ecw.EcwSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * eCW's vitals writeback: contracted {@code Observation.create} (its smart-configuration lists
 * {@code system/Observation.c}) with the error guide's vitals codes 611, 612 and 613; and its searches, on the
 * parameters its CapabilityStatement declares only.
 */
class EcwVitalsTest {
  @RegisterExtension
  static final EcwSimulatorExtension ECW = new EcwSimulatorExtension();

  private String token;

  @BeforeEach
  void authorize() {
    token = EcwFixtures.token(ECW.simulator());
  }

  private HttpResponse<String> post(Observation o) throws Exception {
    return send("POST", ECW.simulator().baseUrl() + "/Observation", token, EcwFixtures.json(o), Map.of());
  }

  private static Observation heartRate(String unit, String value, String loinc) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, null)));
    o.setSubject(new Reference("Patient/" + PATIENT_MARIA));
    o.setEncounter(new Reference("Encounter/" + ENCOUNTER_MARIA_OPEN));
    o.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem("http://unitsofmeasure.org").setCode(unit));
    return o;
  }

  private static int status(HttpResponse<String> response) throws Exception {
    return tree(response).path("status").asInt();
  }

  @Test
  void a_vital_sign_is_created_and_bad_ones_get_611_612_613() throws Exception {
    HttpResponse<String> ok = post(heartRate("/min", "72", "8867-4"));
    HttpResponse<String> badUnit = post(heartRate("kg", "72", "8867-4"));
    HttpResponse<String> badValue = post(heartRate("/min", "-3", "8867-4"));
    HttpResponse<String> notVital = post(heartRate("mg/dL", "90", "2345-7"));

    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(status(badUnit)).isEqualTo(611);
    assertThat(status(badValue)).isEqualTo(612);
    assertThat(status(notVital)).isEqualTo(613);
    assertThat(ECW.simulator().resources("Observation")).hasSize(1);
  }

  @Test
  void a_search_on_a_parameter_the_capability_statement_does_not_declare_is_refused() throws Exception {
    String base = ECW.simulator().baseUrl();
    HttpResponse<String> byIdentifier = send("GET", base + "/Encounter?identifier=x|5001", token, null, Map.of());
    HttpResponse<String> byPatient = send("GET", base + "/Encounter?patient=" + PATIENT_MARIA, token, null, Map.of());

    assertThat(byIdentifier.statusCode()).isEqualTo(400);
    assertThat(byPatient.statusCode()).isEqualTo(200);
  }
}
