package dev.chartbridge.simulators.epic;

import static dev.chartbridge.simulators.epic.EpicFixtures.EVENT_SYSTEM;
import static dev.chartbridge.simulators.epic.EpicFixtures.bloodPressure;
import static dev.chartbridge.simulators.epic.EpicFixtures.json;
import static dev.chartbridge.simulators.epic.EpicFixtures.send;
import static dev.chartbridge.simulators.epic.EpicSeed.ENCOUNTER_MARIA_OPEN;
import static dev.chartbridge.simulators.epic.EpicSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chartbridge.simulators.FaultKind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The common faults, applied to Epic's API. */
class EpicFaultsTest {

  @RegisterExtension static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();

  private String token;

  @BeforeEach
  void authorize() {
    token = EpicFixtures.token(EPIC.simulator());
  }

  private EpicSimulator sim() {
    return EPIC.simulator();
  }

  private HttpResponse<String> createVitals(String eventId) throws Exception {
    return send("POST", sim().baseUrl() + "/Observation", token,
        json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, eventId)), Map.of());
  }

  @Test
  void injected_503_stores_nothing() throws Exception {
    sim().faults().errorRate(1.0, 503, 2, true);

    HttpResponse<String> response = createVitals("e1");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "e1")).isZero();
  }

  @Test
  void only_injected_faults_produce_429_at_epic() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertThat(createVitals("e" + i).statusCode()).isEqualTo(201);
    }
    sim().faults().tooManyRequestsRate(1.0, null, false);

    assertThat(createVitals("burst").statusCode()).isEqualTo(429);
    assertThat(sim().stats().tooManyRequestsIssued()).isEqualTo(1);
  }

  @Test
  void commit_then_timeout_stores_the_write_and_loses_the_answer() {
    sim().faults().commitThenTimeout(1.0, 200);

    assertThatThrownBy(() -> createVitals("e1")).isInstanceOf(IOException.class);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "e1")).isEqualTo(1);
    assertThat(sim().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void commit_then_reset_stores_the_write_and_resets_the_connection() {
    sim().faults().commitThenReset(1.0);

    assertThatThrownBy(() -> createVitals("e1")).isInstanceOf(IOException.class);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "e1")).isEqualTo(1);
  }

  @Test
  void reset_before_commit_stores_nothing() {
    sim().faults().resetBeforeCommit(1.0, true);

    assertThatThrownBy(() -> createVitals("e1")).isInstanceOf(IOException.class);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "e1")).isZero();
  }

  @Test
  void dropped_fields_are_missing_from_what_is_stored() throws Exception {
    sim().faults().dropFields("Observation", "category");

    String location = createVitals("e1").headers().firstValue("Location").orElseThrow();

    assertThat(((Observation) sim().read(location).orElseThrow()).hasCategory()).isFalse();
  }

  @Test
  void a_concurrent_edit_makes_the_next_if_match_fail() throws Exception {
    String location = createVitals("e1").headers().firstValue("Location").orElseThrow();
    sim().faults().concurrentEdit(location);
    Observation amended = bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1");
    amended.setId(location.substring(location.indexOf('/') + 1));

    HttpResponse<String> response = send("PUT", sim().baseUrl() + "/" + location, token, json(amended),
        Map.of("If-Match", "W/\"1\""));

    assertThat(response.statusCode()).isEqualTo(412);
  }

  @Test
  void latency_delays_the_answer() throws Exception {
    sim().faults().latency(250);

    long start = System.nanoTime();
    assertThat(createVitals("e1").statusCode()).isEqualTo(201);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
  }
}
