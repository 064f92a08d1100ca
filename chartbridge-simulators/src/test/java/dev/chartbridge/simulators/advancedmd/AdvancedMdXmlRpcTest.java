package dev.chartbridge.simulators.advancedmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chartbridge.simulators.vendorkit.ChartStore;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The XML-RPC write API: login dance, writes and their read-back, faults in 200 bodies, no idempotency. */
class AdvancedMdXmlRpcTest {

  @RegisterExtension static final AdvancedMdSimulatorExtension SIM = new AdvancedMdSimulatorExtension();

  private AdvancedMdSimulator sim() {
    return SIM.simulator();
  }

  @Test
  void partner_login_answers_the_webserver_and_login_there_mints_a_session() throws Exception {
    HttpResponse<String> partner = AmdClient.post(sim().partnerLoginUrl(), AmdClient.loginXml(AdvancedMdSeed.PASSWORD));

    assertThat(partner.statusCode()).isEqualTo(200);
    assertThat(partner.body()).contains("<Results success=\"0\">")
        .contains("webserver=\"" + sim().xmlRpcUrl().replace("/xmlrpc/processrequest.aspx", "") + "\"");
    AmdClient client = new AmdClient(sim()).login();
    assertThat(client.token).hasSizeGreaterThan(20);
    assertThat(sim().stats().count("sessionLogins")).isEqualTo(3);
  }

  @Test
  void wrong_password_is_a_fault_inside_a_200_body() throws Exception {
    HttpResponse<String> login = AmdClient.post(sim().xmlRpcUrl(), AmdClient.loginXml("nope"));

    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("<Error>").contains("<code>1000</code>").doesNotContain("usercontext");
  }

  @Test
  void note_is_stored_and_read_back_with_getehrnotes() throws Exception {
    AmdClient client = new AmdClient(sim()).login();

    HttpResponse<String> added = client.note(AdvancedMdSeed.PATIENT_MARIA, "BP stable");

    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(added.body()).contains("<Results success=\"1\"><ehrnote id=\"9001\" patientid=\"pat70001\"/>");
    HttpResponse<String> notes = client.call("getehrnotes", "patientid=\"pat70001\"", "");
    assertThat(notes.body()).contains("count=\"1\"").contains("notetext=\"BP stable\"").contains("id=\"9001\"");
    assertThat(sim().records("ehrnote", AdvancedMdSeed.PATIENT_MARIA))
        .extracting(e -> e.fields().get("notetext")).containsExactly("BP stable");
  }

  @Test
  void resending_the_same_note_creates_a_duplicate() throws Exception {
    AmdClient client = new AmdClient(sim()).login();

    client.note(AdvancedMdSeed.PATIENT_MARIA, "Same note");
    client.note(AdvancedMdSeed.PATIENT_MARIA, "Same note");

    assertThat(sim().records("ehrnote", AdvancedMdSeed.PATIENT_MARIA)).hasSize(2)
        .extracting(ChartStore.Entry::id).doesNotHaveDuplicates();
  }

  @Test
  void note_by_visit_needs_a_visit_of_that_patient() throws Exception {
    AmdClient client = new AmdClient(sim()).login();

    HttpResponse<String> wrong = client.call("addehrnotebyvisit",
        "patientid=\"pat70001\" visitid=\"" + AdvancedMdSeed.VISIT_MARIO_OPEN + "\"", "<notetext>x</notetext>");
    HttpResponse<String> right = client.call("addehrnotebyvisit",
        "patientid=\"pat70001\" visitid=\"" + AdvancedMdSeed.VISIT_MARIA_OPEN + "\"", "<notetext>x</notetext>");

    assertThat(wrong.statusCode()).isEqualTo(200);
    assertThat(wrong.body()).contains("<code>1101</code>");
    assertThat(right.body()).contains("success=\"1\"");
    assertThat(sim().records("ehrnote", null)).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("visitid", AdvancedMdSeed.VISIT_MARIA_OPEN));
  }

  @Test
  void problem_and_file_are_stored_and_listed() throws Exception {
    AmdClient client = new AmdClient(sim()).login();
    String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 test".getBytes());

    client.call("addehrproblem", "patientid=\"pat70003\" code=\"I10\" codetype=\"ICD10\" description=\"Hypertension\"", "");
    HttpResponse<String> file = client.call("uploadfile", "patientid=\"pat70003\" filename=\"visit.pdf\" filetype=\"pdf\"",
        "<filecontents>" + pdf + "</filecontents>");
    HttpResponse<String> missingCode = client.call("addehrproblem", "patientid=\"pat70003\"", "");

    assertThat(file.body()).contains("<file id=");
    assertThat(missingCode.body()).contains("<code>1100</code>");
    assertThat(client.call("getehrproblems", "patientid=\"pat70003\"", "").body())
        .contains("code=\"I10\"").contains("description=\"Hypertension\"");
    assertThat(client.call("getpatientfiles", "patientid=\"pat70003\"", "").body())
        .contains("filename=\"visit.pdf\"").contains("count=\"1\"");
  }

  @Test
  void unknown_patient_is_a_fault() throws Exception {
    AmdClient client = new AmdClient(sim()).login();

    assertThat(client.note("pat99999", "x").body()).contains("<code>1101</code>");
    assertThat(sim().records(null, null)).isEmpty();
  }

  @Test
  void lookup_by_chart_number_finds_both_patients_sharing_mrn_2000() throws Exception {
    AmdClient client = new AmdClient(sim()).login();

    String body = client.call("lookuppatient", "chartnumber=\"2000\"", "").body();

    assertThat(body).contains("id=\"pat70004\"").contains("id=\"pat70005\"").doesNotContain("pat70001");
  }

  @Test
  void visits_carry_their_status() throws Exception {
    AmdClient client = new AmdClient(sim()).login();

    String body = client.call("getpatientvisits", "patientid=\"pat70001\"", "").body();

    assertThat(body).contains("id=\"vst80001\" patientid=\"pat70001\" status=\"open\"")
        .contains("id=\"vst80002\" patientid=\"pat70001\" status=\"closed\"");
  }
}
