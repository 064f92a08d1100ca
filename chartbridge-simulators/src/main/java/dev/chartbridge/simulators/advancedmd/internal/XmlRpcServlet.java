package dev.chartbridge.simulators.advancedmd.internal;

import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.RateTier;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.w3c.dom.Element;

/**
 * AdvancedMD's XML-RPC endpoint ({@code processrequest.aspx}). Mounted twice: as the partner login
 * ({@code partnerLogin}: a valid login answers fault {@code -2147220476} whose {@code usercontext} names the
 * practice's web server) and as that web server (the login there mints the session; the EHR actions). Every request
 * needs {@code msgtime}; a session is a {@code <usercontext>} child element with {@code nocookie="1"} (a token as a
 * cookie or an attribute is HTTP 400 "Improperly Formatted Token"); a lapsed session is fault {@code 1025} (strict:
 * {@code -2147220479}). Calls are counted per office key and action class: an overrun is billed ({@code
 * billedOverruns}), not refused; logins beyond one per 60 s per account are refused with 429 QuotaViolation. Faults
 * ride in 200 bodies. Thread-safe.
 */
// evidence: amd.login, amd.login.redirect-fault, amd.login.token, amd.login.limit, amd.session.usercontext-child
// evidence: amd.session.expiry, amd.request.msgtime, amd.request.encoding, amd.limit.tiers, amd.limit.overrun-billed
// evidence: amd.limit.quota-429, amd.session.lifetime
public final class XmlRpcServlet extends HttpServlet {

  /** Path of the endpoint under a web server; also under {@code /practicemanager} for the partner login. */
  public static final String ENDPOINT = "/xmlrpc/processrequest.aspx";
  /** Path of the practice's web server under {@code /processrequest}. */
  public static final String WEBSERVER_PATH = "/api-101/" + AdvancedMdSeed.APP_NAME;
  private static final ZoneId MOUNTAIN = ZoneId.of("America/Denver");
  private static final String QUOTA_BODY = "<PPMDResults><Error><Fault><detail><code>QuotaViolation</code>"
      + "<description>Too many requests: Please wait and try your request again in about a minute.</description>"
      + "</detail></Fault></Error></PPMDResults>";

  private final boolean partnerLogin;
  private final Backend backend;

  public XmlRpcServlet(boolean partnerLogin, Backend backend) {
    this.partnerLogin = partnerLogin;
    this.backend = backend;
  }

  /** Whether {@code clock}'s now is in AdvancedMD's peak hours: Mon-Fri 06:00-18:00 America/Denver. */
  public static boolean peak(Clock clock) {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(MOUNTAIN));
    LocalTime time = now.toLocalTime();
    return now.getDayOfWeek() != DayOfWeek.SATURDAY && now.getDayOfWeek() != DayOfWeek.SUNDAY
        && !time.isBefore(LocalTime.of(6, 0)) && time.isBefore(LocalTime.of(18, 0));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String expected = partnerLogin ? ENDPOINT : WEBSERVER_PATH + ENDPOINT;
    if (!expected.equalsIgnoreCase(request.getPathInfo()) || !request.getMethod().equals("POST")) {
      response.sendError(404);
      return;
    }
    byte[] body = request.getInputStream().readAllBytes();
    Element msg = Ppmd.parse(body);
    if (msg == null || !latin1(body)) {
      answer(response, 200, Ppmd.fault(Ppmd.PARSING_ERROR, "Parsing error: not an ISO-8859-1 <ppmdmsg> document"));
      return;
    }
    if (msg.getAttribute("msgtime").isBlank()) {
      answer(response, 200, Ppmd.fault(Ppmd.MISSING_ATTRIBUTE, "Missing attribute: msgtime"));
      return;
    }
    String action = msg.getAttribute("action").toLowerCase(Locale.ROOT);
    if (action.equals("login")) {
      login(request, response, msg);
      return;
    }
    if (partnerLogin) {
      answer(response, 200, Ppmd.fault(Ppmd.INVALID_ELEMENT, "The partner login server only answers login"));
      return;
    }
    String token = token(request, msg);
    if (token == null) {
      backend.stats().increment("improperTokens");
      answer(response, 400, "Improperly Formatted Token");
      return;
    }
    Sessions.Session session = backend.sessions().find(token);
    if (!backend.sessions().live(session)) {
      backend.stats().increment("sessionTimeouts");
      answer(response, 200, Ppmd.fault(backend.strict().getAsBoolean() ? Ppmd.SESSION_TIMED_OUT_ALT
          : Ppmd.SESSION_TIMED_OUT, "Session has timed out"));
      return;
    }
    count(session.officeKey(), action);
    answer(response, 200, backend.actions().run(action, msg));
  }

  private void login(HttpServletRequest request, HttpServletResponse response, Element msg) throws IOException {
    String office = msg.getAttribute("officecode");
    backend.stats().increment("sessionLogins");
    if (!AdvancedMdSeed.OFFICE_KEY.equals(office) || !AdvancedMdSeed.USERNAME.equals(msg.getAttribute("username"))
        || !AdvancedMdSeed.PASSWORD.equals(msg.getAttribute("psw"))
        || !AdvancedMdSeed.APP_NAME.equalsIgnoreCase(msg.getAttribute("appname"))) {
      backend.stats().increment("loginRefused");
      answer(response, 200, Ppmd.fault(Ppmd.INVALID_LOGIN, "Invalid username or password"));
      return;
    }
    if (partnerLogin) {
      String origin = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
      String webserver = origin + "/processrequest" + WEBSERVER_PATH;
      answer(response, 200, "<PPMDResults><Results success=\"0\"><usercontext webserver=\"" + Ppmd.esc(webserver)
          + "\"/></Results><Error><Fault><detail><code>" + Ppmd.LOGIN_REDIRECT + "</code><description>Login"
          + " redirect</description></detail></Fault></Error></PPMDResults>");
      return;
    }
    WindowLimiter.Decision decision = backend.logins().acquire(office + "|" + msg.getAttribute("username"), 1);
    if (!decision.allowed()) {
      backend.stats().increment("loginsRefusedByLimit");
      backend.stats().recordTooManyRequests();
      answer(response, 429, QUOTA_BODY);
      return;
    }
    String token = backend.sessions().open(office);
    answer(response, 200, Ppmd.success("<usercontext officekey=\"" + office + "\">" + token + "</usercontext>"));
  }

  /** Counts the call in its class's window; an overrun is processed and billed, as AdvancedMD does. */
  private void count(String officeKey, String action) {
    RateTier tier = RateTier.of(action, backend.strict().getAsBoolean());
    WindowLimiter.Decision decision =
        backend.limiter().acquire(officeKey + "|" + tier, tier.limit(peak(backend.clock())));
    if (!decision.allowed()) {
      backend.stats().increment("billedOverruns");
      backend.stats().increment("billedOverruns." + tier.name());
    }
  }

  /**
   * The session token, only from a {@code <usercontext>} child element of a request marked {@code nocookie="1"};
   * null when it came another way (cookie, attribute) or not at all.
   */
  private static String token(HttpServletRequest request, Element msg) {
    var children = Ppmd.children(msg, "usercontext");
    if (children.size() != 1 || !"1".equals(msg.getAttribute("nocookie"))) {
      return null;
    }
    String token = children.get(0).getTextContent().trim();
    return token.isEmpty() ? null : token;
  }

  /** Whether the document declares ISO-8859-1 (or nothing beyond ASCII, which every encoding reads alike). */
  private static boolean latin1(byte[] body) {
    String head = new String(body, 0, Math.min(body.length, 100), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    if (head.startsWith("<?xml") && head.contains("encoding=")) {
      return head.contains("encoding=\"iso-8859-1\"") || head.contains("encoding='iso-8859-1'");
    }
    for (byte b : body) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static void answer(HttpServletResponse response, int status, String xml) throws IOException {
    response.setStatus(status);
    response.setContentType("text/xml;charset=utf-8");
    response.getOutputStream().write(Ppmd.bytes(xml));
  }

  /** What the servlet works with. */
  public record Backend(Sessions sessions, WindowLimiter limiter, WindowLimiter logins, EhrActions actions,
      SimulatorStats stats, Clock clock, BooleanSupplier strict) {}
}
