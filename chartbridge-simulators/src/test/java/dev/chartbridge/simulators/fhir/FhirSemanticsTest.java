package dev.chartbridge.simulators.fhir;

import static dev.chartbridge.simulators.fhir.TestClients.TEST_SYSTEM;
import static dev.chartbridge.simulators.fhir.TestClients.heartRate;
import static dev.chartbridge.simulators.fhir.TestClients.json;
import static dev.chartbridge.simulators.fhir.TestClients.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Create, conditional create, If-Match update, Prefer and vread against a running simulator. */
class FhirSemanticsTest {

  @RegisterExtension static final FhirSimulatorExtension SIM = new FhirSimulatorExtension();

  private FhirSimulator sim() {
    return SIM.simulator();
  }

  private IGenericClient client() {
    return TestClients.fhirClient(sim());
  }

  @Test
  void create_stores_version_1_and_answers_etag_and_location() throws Exception {
    HttpResponse<String> response =
        post(sim().baseUrl() + "/Observation", json(heartRate("pat-1001", "e1")), Map.of());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("ETag")).hasValue("W/\"1\"");
    Observation stored = (Observation) sim().resources("Observation").get(0);
    assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
    assertThat(stored.getMeta().getLastUpdated()).isNotNull();
    assertThat(response.headers().firstValue("Location"))
        .hasValue(sim().baseUrl() + "/Observation/" + stored.getIdElement().getIdPart() + "/_history/1");
  }

  @Test
  void conditional_create_with_no_match_creates() {
    MethodOutcome outcome = client().create().resource(heartRate("pat-1001", "e2"))
        .conditionalByUrl("Observation?identifier=" + TEST_SYSTEM + "|e2").execute();

    assertThat(outcome.getCreated()).isTrue();
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "e2")).isEqualTo(1);
  }

  @Test
  void conditional_create_with_one_match_returns_existing() throws Exception {
    MethodOutcome first = client().create().resource(heartRate("pat-1001", "e3")).execute();
    String condition = "identifier=" + TEST_SYSTEM + "|e3";

    HttpResponse<String> again = post(sim().baseUrl() + "/Observation",
        json(heartRate("pat-1001", "e3")), Map.of("If-None-Exist", condition));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("\"id\":\"" + first.getId().getIdPart() + "\"");
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "e3")).isEqualTo(1);
    assertThat(sim().stats().creates()).isEqualTo(1);
  }

  @Test
  void concurrent_conditional_creates_store_exactly_one() throws Exception {
    String condition = "identifier=" + TEST_SYSTEM + "|race";
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        statuses.add(pool.submit(() -> post(sim().baseUrl() + "/Observation",
            json(heartRate("pat-1001", "race")), Map.of("If-None-Exist", condition)).statusCode()));
      }
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> status : statuses) {
        codes.add(status.get());
      }
      assertThat(codes).containsOnlyOnce(201).containsOnly(200, 201);
    } finally {
      pool.shutdown();
    }
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "race")).isEqualTo(1);
  }

  @Test
  void conditional_create_with_many_matches_fails_with_412() {
    client().create().resource(heartRate("pat-1001", "e4")).execute();
    client().create().resource(heartRate("pat-1001", "e4")).execute();

    assertThatThrownBy(() -> client().create().resource(heartRate("pat-1001", "e4"))
        .conditionalByUrl("Observation?identifier=" + TEST_SYSTEM + "|e4").execute())
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(sim().countWithIdentifier(TEST_SYSTEM, "e4")).isEqualTo(2);
  }

  @Test
  void update_with_current_if_match_stores_next_version() {
    IdType id = (IdType) client().create().resource(heartRate("pat-1001", "e5")).execute().getId();
    Observation changed = heartRate("pat-1001", "e5").setStatus(Observation.ObservationStatus.AMENDED);
    changed.setId(id.toUnqualifiedVersionless());

    MethodOutcome outcome = client().update().resource(changed).withId(id.toUnqualified()).execute();

    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("2");
    assertThat(((Observation) sim().read(id.toUnqualifiedVersionless().getValue()).orElseThrow()).getStatus())
        .isEqualTo(Observation.ObservationStatus.AMENDED);
  }

  @Test
  void update_with_stale_if_match_fails_with_412() {
    IdType v1 = (IdType) client().create().resource(heartRate("pat-1001", "e6")).execute().getId();
    Observation changed = heartRate("pat-1001", "e6");
    changed.setId(v1.toUnqualifiedVersionless());
    client().update().resource(changed).withId(v1.toUnqualified()).execute();

    assertThatThrownBy(() -> client().update().resource(changed).withId(v1.toUnqualified()).execute())
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(sim().read(v1.toUnqualifiedVersionless().getValue()).orElseThrow().getMeta().getVersionId())
        .isEqualTo("2");
  }

  @Test
  void update_of_unknown_id_creates_it_as_version_1() throws Exception {
    Observation observation = heartRate("pat-1001", "e7");
    observation.setId("client-chosen-7");

    HttpResponse<String> response = TestClients.send("PUT", sim().baseUrl() + "/Observation/client-chosen-7",
        json(observation), Map.of(), java.time.Duration.ofSeconds(5));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("ETag")).hasValue("W/\"1\"");
    assertThat(response.headers().firstValue("Location"))
        .hasValue(sim().baseUrl() + "/Observation/client-chosen-7/_history/1");
    assertThat(sim().read("Observation/client-chosen-7")).isPresent();
  }

  @Test
  void prefer_minimal_answers_without_a_body() throws Exception {
    HttpResponse<String> response = post(sim().baseUrl() + "/Observation",
        json(heartRate("pat-1001", "e8")), Map.of("Prefer", "return=minimal"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Location")).isPresent();
  }

  @Test
  void prefer_representation_and_operation_outcome_choose_the_body() throws Exception {
    HttpResponse<String> representation = post(sim().baseUrl() + "/Observation",
        json(heartRate("pat-1001", "e9")), Map.of("Prefer", "return=representation"));
    HttpResponse<String> outcome = post(sim().baseUrl() + "/Observation",
        json(heartRate("pat-1001", "e10")), Map.of("Prefer", "return=OperationOutcome"));

    assertThat(representation.body()).contains("\"resourceType\":\"Observation\"").contains("\"versionId\":\"1\"");
    assertThat(outcome.body()).contains("\"resourceType\":\"OperationOutcome\"").contains("Created Observation/");
  }

  @Test
  void vread_returns_the_requested_version() {
    IdType v1 = (IdType) client().create().resource(heartRate("pat-1001", "e11")).execute().getId();
    Observation changed = heartRate("pat-1001", "e11").setStatus(Observation.ObservationStatus.CANCELLED);
    changed.setId(v1.toUnqualifiedVersionless());
    client().update().resource(changed).execute();

    Observation old = client().read().resource(Observation.class).withUrl(v1.toUnqualified()).execute();

    assertThat(old.getMeta().getVersionId()).isEqualTo("1");
    assertThat(old.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
  }
}
