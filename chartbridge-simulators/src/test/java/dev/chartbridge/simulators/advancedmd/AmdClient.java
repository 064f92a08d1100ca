package dev.chartbridge.simulators.advancedmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal AdvancedMD XML-RPC client for the tests: login dance, then actions with the session token. */
final class AmdClient {

  static final String MSGTIME = "msgtime=\"11/22/2026 12:00:00 PM\"";
  private final AdvancedMdSimulator sim;
  String token;

  AmdClient(AdvancedMdSimulator sim) {
    this.sim = sim;
  }

  static String loginXml(String password) {
    return "<ppmdmsg action=\"login\" class=\"login\" " + MSGTIME + " username=\""
        + AdvancedMdSeed.USERNAME + "\" psw=\"" + password + "\" officecode=\"" + AdvancedMdSeed.OFFICE_KEY
        + "\" appname=\"" + AdvancedMdSeed.APP_NAME + "\"/>";
  }

  /** Partner login (answered by the redirect fault), then login at the web server it names; keeps the token. */
  AmdClient login() throws IOException, InterruptedException {
    HttpResponse<String> partner = post(sim.partnerLoginUrl(), loginXml(AdvancedMdSeed.PASSWORD));
    assertThat(partner.body()).contains("<code>-2147220476</code>");
    Matcher webserver = Pattern.compile("webserver=\"([^\"]+)\"").matcher(partner.body());
    assertThat(webserver.find()).as(partner.body()).isTrue();
    HttpResponse<String> login = post(webserver.group(1) + "/xmlrpc/processrequest.aspx",
        loginXml(AdvancedMdSeed.PASSWORD));
    Matcher usercontext = Pattern.compile("<usercontext[^>]*>([^<]+)</usercontext>").matcher(login.body());
    assertThat(usercontext.find()).as(login.body()).isTrue();
    token = usercontext.group(1);
    return this;
  }

  /** Sends an action with the token as a {@code <usercontext>} child and {@code nocookie="1"}. */
  HttpResponse<String> call(String action, String attributes, String children)
      throws IOException, InterruptedException {
    return post(sim.xmlRpcUrl(), "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ppmdmsg action=\"" + action
        + "\" class=\"api\" " + MSGTIME + " nocookie=\"1\" " + attributes + "><usercontext>" + token
        + "</usercontext>" + children + "</ppmdmsg>");
  }

  HttpResponse<String> note(String patient, String text) throws IOException, InterruptedException {
    return call("addehrnote", "patientid=\"" + patient + "\" templateid=\"" + AdvancedMdSeed.NOTE_TEMPLATE_ID
        + "\"", "<field fieldname=\"Note\" value=\"" + text + "\"/>");
  }

  static HttpResponse<String> post(String url, String xml) throws IOException, InterruptedException {
    return TestHttp.send("POST", url, xml, "Content-Type", "text/xml; charset=ISO-8859-1");
  }
}
