package dev.chartbridge.simulators.advancedmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chartbridge.simulators.vendorkit.SettableClock;
import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The AdvancedMD simulator over HTTP: the login dance, sessions, limits and read shapes, normal and strict. */
class AdvancedMdXmlRpcTest {

  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T19:00:00Z")); // Sunday
  private final AdvancedMdSimulator sim = AdvancedMdSimulator.builder().clock(clock).start();

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void wrong_password_is_the_invalid_login_fault_inside_a_200_body() throws Exception {
    HttpResponse<String> r = AmdClient.post(sim.partnerLoginUrl(), AmdClient.loginXml("nope"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("<code>-2147220480</code>");
  }

  @Test
  void a_token_as_a_cookie_or_attribute_is_http_400_improperly_formatted_token() throws Exception {
    AmdClient amd = new AmdClient(sim).login();
    HttpResponse<String> cookie = TestHttp.send("POST", sim.xmlRpcUrl(), "<ppmdmsg action=\"getehrproblems\""
        + " class=\"api\" " + AmdClient.MSGTIME + " patientid=\"pat70001\"/>", "Cookie", "token=" + amd.token);
    HttpResponse<String> attribute = AmdClient.post(sim.xmlRpcUrl(), "<ppmdmsg action=\"getehrproblems\""
        + " class=\"api\" " + AmdClient.MSGTIME + " nocookie=\"1\" usercontext=\"" + amd.token + "\"/>");

    assertThat(cookie.statusCode()).isEqualTo(400);
    assertThat(cookie.body()).contains("Improperly Formatted Token");
    assertThat(attribute.statusCode()).isEqualTo(400);
  }

  @Test
  void a_request_without_msgtime_is_a_missing_attribute_fault() throws Exception {
    AmdClient amd = new AmdClient(sim).login();
    HttpResponse<String> r = AmdClient.post(sim.xmlRpcUrl(), "<ppmdmsg action=\"getehrproblems\" class=\"api\""
        + " nocookie=\"1\" patientid=\"pat70001\"><usercontext>" + amd.token + "</usercontext></ppmdmsg>");

    assertThat(r.body()).contains("<code>2048</code>");
  }

  @Test
  void a_lapsed_session_is_1025_and_in_strict_mode_minus_2147220479() throws Exception {
    AmdClient amd = new AmdClient(sim).login();
    sim.expireSessionsNow();

    assertThat(amd.note(AdvancedMdSeed.PATIENT_MARIA, "x").body()).contains("<code>1025</code>");
    sim.strict(true);
    assertThat(amd.note(AdvancedMdSeed.PATIENT_MARIA, "x").body()).contains("<code>-2147220479</code>");
    assertThat(sim.records(null, null)).isEmpty();
  }

  @Test
  void a_second_login_within_a_minute_is_refused_with_429_and_the_partner_post_is_not_counted() throws Exception {
    new AmdClient(sim).login();

    HttpResponse<String> partner = AmdClient.post(sim.partnerLoginUrl(), AmdClient.loginXml(AdvancedMdSeed.PASSWORD));
    HttpResponse<String> again = AmdClient.post(sim.xmlRpcUrl(), AmdClient.loginXml(AdvancedMdSeed.PASSWORD));

    assertThat(partner.body()).contains("-2147220476");
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(again.body()).contains("QuotaViolation");
    clock.advance(Duration.ofSeconds(61));
    assertThat(new AmdClient(sim).login().token).isNotBlank();
  }

  @Test
  void calls_over_a_tiers_cap_are_processed_and_billed_not_refused() throws Exception {
    clock.set(Instant.parse("2026-11-24T17:00:00Z")); // Tuesday 10:00 Mountain: peak, tier 2 12/min
    AmdClient amd = new AmdClient(sim).login();
    for (int i = 0; i < 13; i++) {
      assertThat(amd.note(AdvancedMdSeed.PATIENT_MARIA, "n" + i).statusCode()).isEqualTo(200);
    }

    assertThat(sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(13);
    assertThat(sim.billedOverruns()).isEqualTo(1);
    assertThat(sim.stats().tooManyRequestsIssued()).isZero();
  }

  @Test
  void a_note_is_filed_in_the_template_and_read_back_in_the_getehrnotes_shape() throws Exception {
    AmdClient amd = new AmdClient(sim).login();
    String written = amd.note(AdvancedMdSeed.PATIENT_MARIA, "Feels better").body();

    String read = amd.call("getehrnotes", "patientid=\"pat70001\" templateid=\"" + AdvancedMdSeed.NOTE_TEMPLATE_ID
        + "\"", "<patientnote notedatetime=\"NoteDateTime\"/><field fieldname=\"FieldName\" value=\"Value\"/>").body();

    assertThat(written).containsPattern("<patientnote id=\"\\d+\"/>");
    assertThat(read).contains("<patientnotelist>").contains("notedatetime=\"11/22/2026 12:00 PM\"")
        .contains("<page pagename=\"PAGE 1\"><field fieldname=\"Note\" value=\"Feels better\"/></page>");
    assertThat(amd.note(AdvancedMdSeed.PATIENT_MARIA, "again").statusCode()).isEqualTo(200);
    assertThat(sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA)).as("nothing is idempotent").hasSize(2);
  }

  @Test
  void strict_mode_plays_each_assumed_shape_the_other_way() throws Exception {
    sim.strict(true);
    AmdClient amd = new AmdClient(sim).login();

    String written = amd.note(AdvancedMdSeed.PATIENT_MARIA, "Feels better").body();
    String notes = amd.call("getehrnotes", "patientid=\"pat70001\"", "").body();
    String problem = amd.call("addehrproblem", "patientid=\"pat70001\" code=\"I10\" codeset=\"10\"", "").body();
    String problems = amd.call("getehrproblems", "patientid=\"pat70001\"", "").body();
    String visits = amd.call("getpatientvisits", "patientid=\"pat70001\"", "").body();

    assertThat(written).containsPattern("<PatientNote><id>\\d+</id></PatientNote>");
    assertThat(notes).contains("<pagelist><page pagename=\"PAGE 1\"><fieldlist><field fieldname=\"Note\"");
    assertThat(problem).containsPattern("<Problem><id>\\d+</id></Problem>");
    assertThat(problems).contains("<ProblemList><Problem Id=");
    assertThat(visits).contains("patientid=\"pat70001\"").doesNotContain("<patient ");
  }

  @Test
  void lookup_by_chart_number_finds_both_patients_sharing_mrn_2000_and_visits_name_their_patient()
      throws Exception {
    AmdClient amd = new AmdClient(sim).login();

    String found = amd.call("lookuppatient", "name=\"2000\"", "").body();
    String visits = amd.call("getpatientvisits", "patientid=\"pat70001\"", "").body();

    assertThat(found).contains("id=\"pat70004\"").contains("id=\"pat70005\"").contains("pagecount=\"1\"");
    assertThat(visits).contains("<visit id=\"" + AdvancedMdSeed.VISIT_MARIA_OPEN + "\"")
        .contains("<patient id=\"pat70001\"").doesNotContain(AdvancedMdSeed.VISIT_MARIO_OPEN);
  }

  @Test
  void fhir_writes_are_refused_with_405() throws Exception {
    HttpResponse<String> r = TestHttp.send("POST", sim.baseUrl() + "/Observation",
        "{\"resourceType\":\"Observation\"}", "Content-Type", "application/fhir+json");

    assertThat(r.statusCode()).isEqualTo(405);
  }
}
