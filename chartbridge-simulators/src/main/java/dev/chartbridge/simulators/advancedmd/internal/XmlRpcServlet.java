package dev.chartbridge.simulators.advancedmd.internal;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.RateTier;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.function.Supplier;
import org.w3c.dom.Element;

/**
 * AdvancedMD's XML-RPC endpoint ({@code processrequest.aspx}). Mounted twice: as the partner login
 * ({@code partnerLogin}: only {@code login}, answering the {@code webserver} to use) and as the practice's
 * web server (login, which mints the session token, and the EHR actions). Faults ride in 200 bodies; the
 * per-office-key quota answers 429 "QuotaViolation" without Retry-After. Thread-safe.
 */
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
    Element msg = Ppmd.parse(request.getInputStream().readAllBytes());
    if (msg == null) {
      answer(response, 200, Ppmd.fault(Ppmd.BAD_REQUEST, "Request is not a <ppmdmsg> XML document"));
      return;
    }
    String action = msg.getAttribute("action").toLowerCase();
    if (action.equals("login")) {
      login(request, response, msg);
      return;
    }
    if (partnerLogin) {
      answer(response, 200, Ppmd.fault(Ppmd.UNKNOWN_ACTION, "The partner login server only answers login"));
      return;
    }
    String token = token(request, msg);
    Sessions.Session session = backend.sessions().find(token);
    if (session != null && !allowed(response, session.officeKey())) {
      return;
    }
    if (!backend.sessions().live(session)) {
      backend.stats().increment("sessionTimeouts");
      answer(response, 200, Ppmd.fault(Ppmd.SESSION_TIMED_OUT, "Session has timed out"));
      return;
    }
    answer(response, 200, backend.actions().run(action, msg));
  }

  private void login(HttpServletRequest request, HttpServletResponse response, Element msg) throws IOException {
    String office = msg.getAttribute("officecode");
    if (!allowed(response, office)) {
      return;
    }
    backend.stats().increment("sessionLogins");
    if (!AdvancedMdSeed.OFFICE_KEY.equals(office) || !AdvancedMdSeed.USERNAME.equals(msg.getAttribute("username"))
        || !AdvancedMdSeed.PASSWORD.equals(msg.getAttribute("psw"))
        || !AdvancedMdSeed.APP_NAME.equalsIgnoreCase(msg.getAttribute("appname"))) {
      backend.stats().increment("loginRefused");
      answer(response, 200, Ppmd.fault(Ppmd.INVALID_LOGIN, "Invalid username, password, office key or app name"));
      return;
    }
    if (partnerLogin) {
      String origin = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
      String webserver = origin + "/processrequest" + WEBSERVER_PATH;
      answer(response, 200, "<PPMDResults><Results success=\"0\"><usercontext webserver=\"" + Ppmd.esc(webserver)
          + "\"/></Results></PPMDResults>");
      return;
    }
    String token = backend.sessions().open(office);
    response.addCookie(new Cookie("token", token));
    answer(response, 200, Ppmd.success("<usercontext officekey=\"" + office + "\">" + token + "</usercontext>"));
  }

  private boolean allowed(HttpServletResponse response, String officeKey) throws IOException {
    RateTier tier = backend.tier().get();
    WindowLimiter.Decision decision = backend.limiter().acquire(officeKey, tier.limit(peak(backend.clock())));
    if (decision.allowed()) {
      return true;
    }
    backend.stats().increment("rateLimited");
    backend.stats().recordTooManyRequests();
    answer(response, 429, QUOTA_BODY);
    return false;
  }

  private static String token(HttpServletRequest request, Element msg) {
    if (request.getCookies() != null) {
      for (Cookie cookie : request.getCookies()) {
        if (cookie.getName().equalsIgnoreCase("token")) {
          return cookie.getValue();
        }
      }
    }
    String child = Ppmd.child(msg, "usercontext");
    if (child != null && !child.isBlank()) {
      return child.trim();
    }
    String attribute = msg.getAttribute("usercontext");
    return attribute.isEmpty() ? null : attribute;
  }

  private static void answer(HttpServletResponse response, int status, String xml) throws IOException {
    response.setStatus(status);
    response.setContentType("text/xml;charset=utf-8");
    response.getOutputStream().write(Ppmd.bytes(xml));
  }

  /** What the servlet works with. */
  public record Backend(Sessions sessions, WindowLimiter limiter, Supplier<RateTier> tier, EhrActions actions,
      dev.chartbridge.simulators.SimulatorStats stats, Clock clock) {}
}
