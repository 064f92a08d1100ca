package dev.chartbridge.simulators.epic;

import static dev.chartbridge.simulators.epic.EpicFixtures.EVENT_SYSTEM;
import static dev.chartbridge.simulators.epic.EpicFixtures.bloodPressure;
import static dev.chartbridge.simulators.epic.EpicFixtures.condition;
import static dev.chartbridge.simulators.epic.EpicFixtures.json;
import static dev.chartbridge.simulators.epic.EpicFixtures.note;
import static dev.chartbridge.simulators.epic.EpicFixtures.parse;
import static dev.chartbridge.simulators.epic.EpicFixtures.send;
import static dev.chartbridge.simulators.epic.EpicFixtures.systolicAlone;
import static dev.chartbridge.simulators.epic.EpicSeed.ENCOUNTER_MARIA_FINISHED;
import static dev.chartbridge.simulators.epic.EpicSeed.ENCOUNTER_MARIA_OPEN;
import static dev.chartbridge.simulators.epic.EpicSeed.PATIENT_MARIA;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Epic's documented write behaviour, seen over HTTP with a valid token. */
class EpicWriteTest {

  @RegisterExtension static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();

  private String token;

  @BeforeEach
  void authorize() {
    token = EpicFixtures.token(sim());
  }

  private EpicSimulator sim() {
    return EPIC.simulator();
  }

  private HttpResponse<String> post(String type, String body, Map<String, String> headers) throws Exception {
    return send("POST", sim().baseUrl() + "/" + type, token, body, headers);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", sim().baseUrl() + "/" + path, token, null, Map.of());
  }

  private static String epicCode(HttpResponse<String> response) {
    return parse(OperationOutcome.class, response.body()).getIssueFirstRep().getDetails().getCodingFirstRep().getCode();
  }

  @Test
  void create_without_prefer_answers_201_with_an_empty_body_and_a_relative_location() throws Exception {
    HttpResponse<String> response = post("Observation", json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1")),
        Map.of());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEmpty();
    String location = response.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches("Observation/[^/]+");
    assertThat(sim().read(location)).isPresent();
  }

  @Test
  void create_with_prefer_representation_returns_the_stored_resource() throws Exception {
    HttpResponse<String> response = post("Observation", json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1")),
        Map.of("Prefer", "return=representation"));

    assertThat(response.statusCode()).isEqualTo(201);
    Observation stored = parse(Observation.class, response.body());
    assertThat(stored.getIdentifierFirstRep().getValue()).isEqualTo("e1");
    assertThat(stored.getComponent()).hasSize(2);
  }

  @Test
  void a_resend_creates_a_second_record_even_with_if_none_exist() throws Exception {
    String body = json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1"));
    Map<String, String> conditional = Map.of("If-None-Exist", "identifier=" + EVENT_SYSTEM + "|e1");

    HttpResponse<String> first = post("Observation", body, conditional);
    HttpResponse<String> second = post("Observation", body, conditional);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.headers().firstValue("Location")).isNotEqualTo(first.headers().firstValue("Location"));
    assertThat(sim().countWithIdentifier(EVENT_SYSTEM, "e1")).isEqualTo(2);
  }

  @Test
  void vitals_need_an_encounter() throws Exception {
    Observation bp = bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1").setEncounter(null);

    HttpResponse<String> response = post("Observation", json(bp), Map.of());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(epicCode(response)).isEqualTo("59108");
    assertThat(sim().resources("Observation")).isEmpty();
  }

  @Test
  void vitals_on_a_closed_encounter_fail_to_file_with_59189() throws Exception {
    HttpResponse<String> response = post("Observation",
        json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_FINISHED, "e1")), Map.of());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(epicCode(response)).isEqualTo("59189");
    assertThat(response.body()).contains(EpicOutcome.CODE_SYSTEM);
    assertThat(sim().resources("Observation")).isEmpty();
  }

  @Test
  void vitals_must_be_final() throws Exception {
    Observation bp = bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1")
        .setStatus(Observation.ObservationStatus.PRELIMINARY);

    HttpResponse<String> response = post("Observation", json(bp), Map.of());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(epicCode(response)).isEqualTo("59111");
  }

  @Test
  void blood_pressure_as_a_separate_systolic_value_is_refused_with_59188() throws Exception {
    HttpResponse<String> response = post("Observation", json(systolicAlone(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN)),
        Map.of());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(epicCode(response)).isEqualTo("59188");
  }

  @Test
  void blood_pressure_panel_without_both_components_is_refused_with_59188() throws Exception {
    Observation bp = bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1");
    bp.getComponent().remove(1);

    assertThat(epicCode(post("Observation", json(bp), Map.of()))).isEqualTo("59188");
  }

  @Test
  void an_unknown_patient_is_refused_with_59144() throws Exception {
    HttpResponse<String> response = post("Observation",
        json(bloodPressure("eNobody", ENCOUNTER_MARIA_OPEN, "e1")), Map.of());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(epicCode(response)).isEqualTo("59144");
  }

  @Test
  void a_note_keeps_only_its_first_attachment_and_is_filed_under_the_background_user() throws Exception {
    DocumentReference note = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n1");
    note.addContent().setAttachment(new Attachment().setContentType("text/plain").setData("second".getBytes()));

    HttpResponse<String> response = post("DocumentReference", json(note), Map.of());

    assertThat(response.statusCode()).isEqualTo(201);
    DocumentReference stored = (DocumentReference) sim().read(response.headers().firstValue("Location").orElseThrow())
        .orElseThrow();
    assertThat(stored.getContent()).hasSize(1);
    assertThat(new String(stored.getContentFirstRep().getAttachment().getData())).isEqualTo("Patient doing well.");
    assertThat(stored.getAuthorFirstRep().getDisplay()).isEqualTo(EpicSeed.BACKGROUND_USER);
  }

  @Test
  void a_note_with_an_author_keeps_it() throws Exception {
    DocumentReference note = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n1");
    note.addAuthor(new Reference("Practitioner/" + EpicSeed.PRACTITIONER_ADA));

    HttpResponse<String> response = post("DocumentReference", json(note), Map.of("Prefer", "return=representation"));

    assertThat(parse(DocumentReference.class, response.body()).getAuthorFirstRep().getReference())
        .isEqualTo("Practitioner/" + EpicSeed.PRACTITIONER_ADA);
  }

  @Test
  void a_note_needs_encounter_current_status_plain_text_and_a_final_or_preliminary_doc_status() throws Exception {
    DocumentReference noEncounter = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n1");
    noEncounter.getContext().setEncounter(null);
    DocumentReference superseded = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n2")
        .setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.SUPERSEDED);
    DocumentReference pdf = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n3");
    pdf.getContentFirstRep().getAttachment().setContentType("application/pdf");
    DocumentReference amended = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n4")
        .setDocStatus(DocumentReference.ReferredDocumentStatus.AMENDED);
    DocumentReference draft = note(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "n5")
        .setDocStatus(DocumentReference.ReferredDocumentStatus.PRELIMINARY);

    assertThat(epicCode(post("DocumentReference", json(noEncounter), Map.of()))).isEqualTo("59108");
    assertThat(epicCode(post("DocumentReference", json(superseded), Map.of()))).isEqualTo("59111");
    assertThat(epicCode(post("DocumentReference", json(pdf), Map.of()))).isEqualTo("59111");
    assertThat(epicCode(post("DocumentReference", json(amended), Map.of()))).isEqualTo("59111");
    assertThat(post("DocumentReference", json(draft), Map.of()).statusCode()).isEqualTo(201);
    assertThat(sim().resources("DocumentReference")).hasSize(1);
  }

  @Test
  void a_condition_other_than_provisional_is_refused_with_59012() throws Exception {
    HttpResponse<String> response = post("Condition", json(condition(PATIENT_MARIA, "confirmed")), Map.of());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(epicCode(response)).isEqualTo("59012");
    assertThat(sim().resources("Condition")).isEmpty();
  }

  @Test
  void conditions_and_allergies_wait_in_the_holding_tank_until_released() throws Exception {
    String condition = post("Condition", json(condition(PATIENT_MARIA, "provisional")), Map.of())
        .headers().firstValue("Location").orElseThrow();
    AllergyIntolerance peanuts = new AllergyIntolerance();
    peanuts.setPatient(new Reference("Patient/" + PATIENT_MARIA));
    peanuts.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "91935009", "Peanut allergy")));
    String allergy = post("AllergyIntolerance", json(peanuts), Map.of()).headers().firstValue("Location").orElseThrow();

    assertThat(get(condition).statusCode()).isEqualTo(404);
    assertThat(parse(Bundle.class, get("Condition?patient=" + PATIENT_MARIA).body()).getTotal()).isZero();
    assertThat(get(allergy).statusCode()).isEqualTo(404);
    assertThat(sim().isHeld(condition)).isTrue();
    String inspected = send("GET", sim().controlUrl() + "/resources?type=Condition", null, null, Map.of()).body();
    assertThat(inspected).contains("\"held\"");

    HttpResponse<String> released = EpicFixtures.send("POST",
        sim().controlUrl() + "/holding-tank/release?id=" + condition, null, "", Map.of());

    assertThat(released.statusCode()).isEqualTo(200);
    assertThat(get(condition).statusCode()).isEqualTo(200);
    assertThat(parse(Bundle.class, get("Condition?patient=" + PATIENT_MARIA).body()).getTotal()).isEqualTo(1);
    assertThat(get(allergy).statusCode()).isEqualTo(404);
    assertThat(sim().releaseHoldingTank()).containsExactly(allergy);
    assertThat(get(allergy).statusCode()).isEqualTo(200);
  }

  @Test
  void patient_search_by_mrn_finds_one_and_the_shared_mrn_finds_two() throws Exception {
    Bundle maria = parse(Bundle.class, get("Patient?identifier=" + EpicSeed.MRN_SYSTEM + "|1001").body());
    Bundle lee = parse(Bundle.class, get("Patient?identifier=" + EpicSeed.MRN_SYSTEM + "|2000").body());

    assertThat(maria.getTotal()).isEqualTo(1);
    assertThat(maria.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo(PATIENT_MARIA);
    assertThat(lee.getTotal()).isEqualTo(2);
  }

  @Test
  void encounter_read_shows_status_and_csn() throws Exception {
    Encounter open = parse(Encounter.class, get("Encounter/" + ENCOUNTER_MARIA_OPEN).body());
    Encounter closed = parse(Encounter.class, get("Encounter/" + ENCOUNTER_MARIA_FINISHED).body());

    assertThat(open.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
    assertThat(open.getIdentifierFirstRep().getSystem()).isEqualTo(EpicSeed.CSN_SYSTEM);
    assertThat(open.getIdentifierFirstRep().getValue()).isEqualTo(EpicSeed.CSN_MARIA_OPEN);
    assertThat(closed.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
  }

  @Test
  void written_records_read_back_and_search_by_patient_identifier_and_encounter() throws Exception {
    String location = post("Observation", json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e9")), Map.of())
        .headers().firstValue("Location").orElseThrow();

    assertThat(get(location).statusCode()).isEqualTo(200);
    String scope = "Observation?patient=" + PATIENT_MARIA + "&code=85354-9";
    assertThat(parse(Bundle.class, get(scope).body()).getTotal()).isEqualTo(1);
    assertThat(parse(Bundle.class, get(scope + "&identifier=" + EVENT_SYSTEM + "|e9").body()).getTotal())
        .isEqualTo(1);
    assertThat(parse(Bundle.class, get(scope + "&encounter=" + ENCOUNTER_MARIA_OPEN).body()).getTotal())
        .isEqualTo(1);
  }

  @Test
  void update_of_an_unknown_id_is_404_not_a_create() throws Exception {
    Observation bp = bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1");
    bp.setId("eMissing");

    HttpResponse<String> response = send("PUT", sim().baseUrl() + "/Observation/eMissing", token, json(bp), Map.of());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(epicCode(response)).isEqualTo("4102");
    assertThat(sim().resources("Observation")).isEmpty();
  }

  @Test
  void update_of_a_written_observation_stores_a_new_version() throws Exception {
    String location = post("Observation", json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1")), Map.of())
        .headers().firstValue("Location").orElseThrow();
    Observation amended = bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e1")
        .setStatus(Observation.ObservationStatus.AMENDED);
    amended.setId(location.substring(location.indexOf('/') + 1));

    HttpResponse<String> response = send("PUT", sim().baseUrl() + "/" + location, token, json(amended),
        Map.of("If-Match", "W/\"1\""));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Location")).hasValue(location);
    assertThat(sim().read(location).orElseThrow().getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void a_clinician_changes_a_status_as_a_new_version_and_cannot_delete_a_readable_record() throws Exception {
    String location = post("Observation", json(bloodPressure(PATIENT_MARIA, ENCOUNTER_MARIA_OPEN, "e9")), Map.of())
        .headers().firstValue("Location").orElseThrow();

    HttpResponse<String> changed = send("POST", sim().controlUrl() + "/chart/" + location + "/status", null,
        "{\"status\":\"entered-in-error\"}", Map.of());
    HttpResponse<String> deleted = send("DELETE", sim().controlUrl() + "/chart/" + location, null, null, Map.of());

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).contains("\"versionId\":\"2\"");
    Observation read = parse(Observation.class, get(location).body());
    assertThat(read.getStatus()).isEqualTo(Observation.ObservationStatus.ENTEREDINERROR);
    assertThat(deleted.statusCode()).isEqualTo(405);
    assertThat(get(location).statusCode()).isEqualTo(200);
  }
}
