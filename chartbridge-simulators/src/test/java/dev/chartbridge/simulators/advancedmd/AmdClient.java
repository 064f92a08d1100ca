package dev.chartbridge.simulators.advancedmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chartbridge.simulators.vendorkit.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal AdvancedMD XML-RPC client for the tests: login dance, then actions with the session token. */
final class AmdClient {

  private final AdvancedMdSimulator sim;
  String token;

  AmdClient(AdvancedMdSimulator sim) {
    this.sim = sim;
  }

  static String loginXml(String password) {
    return "<ppmdmsg action=\"login\" class=\"login\" msgtime=\"11/24/2026 10:00:00 AM\" username=\""
        + AdvancedMdSeed.USERNAME + "\" psw=\"" + password + "\" officecode=\"" + AdvancedMdSeed.OFFICE_KEY
        + "\" appname=\"" + AdvancedMdSeed.APP_NAME + "\"/>";
  }

  /** Partner login, then login at the answered webserver; keeps the token. */
  AmdClient login() throws IOException, InterruptedException {
    HttpResponse<String> partner = post(sim.partnerLoginUrl(), loginXml(AdvancedMdSeed.PASSWORD));
    Matcher webserver = Pattern.compile("webserver=\"([^\"]+)\"").matcher(partner.body());
    assertThat(webserver.find()).as(partner.body()).isTrue();
    HttpResponse<String> login = post(webserver.group(1) + "/xmlrpc/processrequest.aspx",
        loginXml(AdvancedMdSeed.PASSWORD));
    Matcher usercontext = Pattern.compile("<usercontext[^>]*>([^<]+)</usercontext>").matcher(login.body());
    assertThat(usercontext.find()).as(login.body()).isTrue();
    token = usercontext.group(1);
    return this;
  }

  /** Sends an action with the token as a {@code <usercontext>} child. */
  HttpResponse<String> call(String action, String attributes, String children)
      throws IOException, InterruptedException {
    return post(sim.xmlRpcUrl(), "<ppmdmsg action=\"" + action + "\" class=\"api\" " + attributes + ">"
        + "<usercontext>" + token + "</usercontext>" + children + "</ppmdmsg>");
  }

  HttpResponse<String> note(String patient, String text) throws IOException, InterruptedException {
    return call("addehrnote", "patientid=\"" + patient + "\" providerid=\"prof1\" title=\"Progress\"",
        "<notetext>" + text + "</notetext>");
  }

  static HttpResponse<String> post(String url, String xml) throws IOException, InterruptedException {
    return TestHttp.send("POST", url, xml, "Content-Type", "text/xml");
  }
}
