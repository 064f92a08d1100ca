package dev.chartbridge.simulators.fhir;

import static dev.chartbridge.simulators.fhir.TestClients.TEST_SYSTEM;
import static dev.chartbridge.simulators.fhir.TestClients.get;
import static dev.chartbridge.simulators.fhir.TestClients.heartRate;
import static dev.chartbridge.simulators.fhir.TestClients.json;
import static dev.chartbridge.simulators.fhir.TestClients.post;
import static dev.chartbridge.simulators.fhir.TestClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.fhir.internal.ConcurrentEdit;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each injected fault, seen from a real HTTP client, and what it leaves in the store. */
class FaultInjectionTest {

  @RegisterExtension static final FhirSimulatorExtension SIM = new FhirSimulatorExtension();

  private FhirSimulator sim() {
    return SIM.simulator();
  }

  private String observations() {
    return sim().baseUrl() + "/Observation";
  }

  private String maria() {
    return sim().baseUrl() + "/Patient/" + SeedData.PATIENT_MARIA;
  }

  @Test
  void latency_delays_the_answer_by_at_least_the_configured_time() throws Exception {
    sim().faults().latency(300);

    long start = System.nanoTime();
    HttpResponse<String> response = get(maria());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(sim().stats().faults(FaultKind.LATENCY)).isEqualTo(1);
  }

  @Test
  void error_rate_answers_503_with_retry_after_and_stores_nothing() throws Exception {
    sim().faults().errorRate(1.0, 503, 7, false);

    HttpResponse<String> response = post(observations(), json(heartRate("pat-1001", "f1")), Map.of());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(response.body()).contains("OperationOutcome");
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "f1")).isZero();
    assertThat(sim().stats().faults(FaultKind.ERROR)).isEqualTo(1);
  }

  @Test
  void writes_only_faults_leave_reads_alone() throws Exception {
    sim().faults().errorRate(1.0, 500, null, true);

    assertThat(get(maria()).statusCode()).isEqualTo(200);
    HttpResponse<String> write = post(observations(), json(heartRate("pat-1001", "f2")), Map.of());
    assertThat(write.statusCode()).isEqualTo(500);
    assertThat(write.headers().firstValue("Retry-After")).isEmpty();
  }

  @Test
  void too_many_requests_answers_429_with_retry_after() throws Exception {
    sim().faults().tooManyRequestsRate(1.0, 2, false);

    HttpResponse<String> response = get(maria());

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(sim().stats().tooManyRequestsIssued()).isEqualTo(1);
  }

  @Test
  void control_endpoints_are_never_faulted() throws Exception {
    sim().faults().errorRate(1.0, 503, null, false).resetBeforeCommit(1.0, false);

    assertThat(get(sim().controlUrl() + "/stats").statusCode()).isEqualTo(200);
  }

  @Test
  void commit_then_timeout_stores_exactly_one_and_the_client_times_out() {
    sim().faults().commitThenTimeout(1.0, 5_000);

    assertThatThrownBy(() -> send("POST", observations(), json(heartRate("pat-1001", "f3")), Map.of(),
        Duration.ofMillis(500)))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "f3")).isEqualTo(1);
    assertThat(sim().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void commit_then_timeout_drops_the_connection_after_the_hang_without_a_response() throws Exception {
    sim().faults().commitThenTimeout(1.0, 200);

    assertThatThrownBy(() -> send("POST", observations(), json(heartRate("pat-1001", "f4")), Map.of(),
        Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "f4")).isEqualTo(1);
    assertThat(get(maria()).statusCode()).as("reads still answered").isEqualTo(200);
  }

  @Test
  void commit_then_reset_stores_the_write_and_resets_the_connection() {
    sim().faults().commitThenReset(1.0);

    assertThatThrownBy(() -> post(observations(), json(heartRate("pat-1001", "f5")), Map.of()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "f5")).isEqualTo(1);
    assertThat(sim().stats().faults(FaultKind.COMMIT_THEN_RESET)).isEqualTo(1);
  }

  @Test
  void reset_before_commit_stores_nothing() throws Exception {
    sim().faults().resetBeforeCommit(1.0, true);

    assertThatThrownBy(() -> post(observations(), json(heartRate("pat-1001", "f6")), Map.of()))
        .isInstanceOf(IOException.class);
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "f6")).isZero();
    assertThat(sim().stats().creates()).isZero();
    assertThat(get(maria()).statusCode()).isEqualTo(200);
  }

  @Test
  void drop_fields_removes_them_from_what_is_stored_while_the_create_succeeds() throws Exception {
    sim().faults().dropFields("Observation", "note", "interpretation");

    HttpResponse<String> response = post(observations(), json(heartRate("pat-1001", "f7")), Map.of());

    assertThat(response.statusCode()).isEqualTo(201);
    Observation stored = (Observation) sim().resources("Observation").get(0);
    assertThat(stored.hasNote()).isFalse();
    assertThat(stored.hasInterpretation()).isFalse();
    assertThat(stored.getValueQuantity().getValue().intValue()).isEqualTo(72);
    assertThat(sim().stats().faults(FaultKind.DROP_FIELDS)).isEqualTo(1);
  }

  @Test
  void concurrent_edit_bumps_the_version_so_a_stale_if_match_fails() {
    var client = TestClients.fhirClient(sim());
    IdType v1 = (IdType) client.create().resource(heartRate("pat-1001", "f8")).execute().getId();
    String reference = v1.toUnqualifiedVersionless().getValue();

    String newVersion = sim().faults().concurrentEdit(reference);

    assertThat(newVersion).isEqualTo("2");
    Observation edited = (Observation) sim().read(reference).orElseThrow();
    assertThat(edited.getMeta().getTag(ConcurrentEdit.TAG_SYSTEM, ConcurrentEdit.TAG_CODE)).isNotNull();
    assertThat(edited.getNote()).hasSize(2);
    Observation mine = heartRate("pat-1001", "f8");
    mine.setId(reference);
    assertThatThrownBy(() -> client.update().resource(mine).withId(v1.toUnqualified()).execute())
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(sim().stats().faults(FaultKind.CONCURRENT_EDIT)).isEqualTo(1);
  }

  @Test
  void the_same_seed_gives_the_same_fault_decisions() throws Exception {
    assertThat(statuses(11)).isEqualTo(statuses(11)).contains(200, 503);
  }

  private List<Integer> statuses(long seed) throws Exception {
    sim().faults().clear();
    sim().faults().seed(seed).errorRate(0.5, 503, null, false);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      statuses.add(get(maria()).statusCode());
    }
    return statuses;
  }
}
