package dev.chartbridge.simulators.ecw;

import static dev.chartbridge.simulators.ecw.EcwFixtures.EVENT_SYSTEM;
import static dev.chartbridge.simulators.ecw.EcwFixtures.hypertension;
import static dev.chartbridge.simulators.ecw.EcwFixtures.json;
import static dev.chartbridge.simulators.ecw.EcwFixtures.send;
import static dev.chartbridge.simulators.ecw.EcwSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.fhir.internal.ConcurrentEdit;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.r4.model.Condition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The common faults, applied to eCW's API. */
class EcwFaultsTest {

  @RegisterExtension static final EcwSimulatorExtension ECW = new EcwSimulatorExtension();

  private String token;

  @BeforeEach
  void authorize() {
    token = EcwFixtures.token(ECW.simulator());
  }

  private EcwSimulator sim() {
    return ECW.simulator();
  }

  private HttpResponse<String> createCondition(String eventId) throws Exception {
    return send("POST", sim().baseUrl() + "/Condition", token, json(hypertension(PATIENT_MARIA, null, eventId)),
        Map.of());
  }

  @Test
  void injected_500_stores_nothing() throws Exception {
    sim().faults().errorRate(1.0, 500, null, true);

    assertThat(createCondition("c1").statusCode()).isEqualTo(500);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "c1")).isZero();
  }

  @Test
  void an_injected_429_burst_is_counted_with_the_rate_limit_ones() throws Exception {
    sim().faults().tooManyRequestsRate(1.0, 3, false);

    HttpResponse<String> response = createCondition("c1");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(sim().stats().tooManyRequestsIssued()).isEqualTo(1);
  }

  @Test
  void commit_then_timeout_stores_the_write_and_a_resend_duplicates_it() throws Exception {
    sim().faults().commitThenTimeout(1.0, 200);
    assertThatThrownBy(() -> createCondition("c1")).isInstanceOf(IOException.class);
    sim().faults().clear();

    assertThat(createCondition("c1").statusCode()).isEqualTo(201);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "c1")).isEqualTo(2);
    assertThat(sim().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void reset_before_commit_stores_nothing() {
    sim().faults().resetBeforeCommit(1.0, true);

    assertThatThrownBy(() -> createCondition("c1")).isInstanceOf(IOException.class);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "c1")).isZero();
  }

  @Test
  void dropped_fields_are_missing_from_what_is_stored() throws Exception {
    sim().faults().dropFields("Condition", "identifier");

    assertThat(createCondition("c1").statusCode()).isEqualTo(201);
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "c1")).isZero();
    assertThat(sim().resources("Condition")).hasSize(1);
  }

  @Test
  void a_concurrent_edit_moves_the_stored_version_on() throws Exception {
    String location = createCondition("c1").headers().firstValue("Location").orElseThrow();
    String reference = location.substring(sim().baseUrl().length() + 1).replaceFirst("/_history/.*", "");

    assertThat(sim().faults().concurrentEdit(reference)).isEqualTo("2");
    Condition edited = (Condition) sim().read(reference).orElseThrow();
    assertThat(edited.getMeta().getTag(ConcurrentEdit.TAG_SYSTEM, ConcurrentEdit.TAG_CODE)).isNotNull();
  }

  @Test
  void latency_delays_the_answer() throws Exception {
    sim().faults().latency(250);

    long start = System.nanoTime();
    assertThat(createCondition("c1").statusCode()).isEqualTo(201);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
  }
}
