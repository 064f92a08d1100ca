package dev.chartbridge.simulators.advancedmd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.advancedmd.internal.EhrActions;
import dev.chartbridge.simulators.advancedmd.internal.Sessions;
import dev.chartbridge.simulators.advancedmd.internal.XmlRpcServlet;
import dev.chartbridge.simulators.vendorkit.CapabilityFhirServlet;
import dev.chartbridge.simulators.vendorkit.ChartInspection;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.FhirSeed;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Plays AdvancedMD: a read-only FHIR R4 API at {@code /v1/r4/{org-id}} (AdvancedMD's published
 * CapabilityStatement; any write answers 405) and the XML-RPC {@code ppmdmsg} API through which writes go:
 * partner login at {@code /practicemanager/xmlrpc/processrequest.aspx}, which answers the redirect fault naming the
 * practice's {@code webserver}, then login and EHR actions at {@code {webserver}/xmlrpc/processrequest.aspx}.
 * Sessions expire (fault 1025), calls are counted per office key, action class ({@link RateTier}) and 60-second
 * window (overruns billed, counter {@code billedOverruns}), logins are limited to one per 60 s, and nothing is
 * idempotent. In <b>strict</b> mode ({@link Builder#strict}, {@link #strict(boolean)}, {@code POST
 * /_sim/strict?on=true|false}) every behaviour the evidence ledger marks {@code assumed} is played a second plausible
 * way (other casing, other nesting, ids as elements). Faults apply to every API path. Thread-safe.
 */
// evidence: amd.fhir.read-only
public final class AdvancedMdSimulator extends AbstractSimulator {

  /** Default session lifetime; AdvancedMD publishes none (assumed, see amd.session.lifetime). */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofMinutes(60);

  private final Clock clock;
  private final ChartStore records;
  /** Status is the {@code status} attribute (a problem's Active or Resolved); a deleted record is no longer listed (<b>invented</b>: the documents are silent). */
  private final ChartEditor chart;
  private final Sessions sessions;
  private final WindowLimiter limiter;
  private final CapabilityFhirServlet fhir;
  private final WindowLimiter logins;
  private volatile boolean strict;
  private final boolean defaultStrict;

  private AdvancedMdSimulator(Builder b) {
    clock = b.clock;
    strict = defaultStrict = b.strict;
    records = new ChartStore(n -> Long.toString(500000 + n), clock, faults, stats);
    chart = records.editor("status");
    sessions = new Sessions(clock, b.sessionLifetime);
    limiter = new WindowLimiter(clock, Duration.ofSeconds(60));
    logins = new WindowLimiter(clock, Duration.ofSeconds(60));
    fhir = new CapabilityFhirServlet("/vendor/advancedmd/r4-capabilitystatement.json", AdvancedMdSeed.OFFICE_KEY,
        request -> true, () -> false, "AdvancedMD's FHIR API is read-only; write through the XML-RPC API",
        faults, stats, clock);
    fhir.seed(fhirSeed());
    XmlRpcServlet.Backend backend =
        new XmlRpcServlet.Backend(sessions, limiter, logins, new EhrActions(records, clock, () -> strict), stats, clock,
            () -> strict);
    serve(SimulatorServer.builder()
        .port(b.port)
        .api("/v1/r4", fhir)
        .api("/practicemanager", new XmlRpcServlet(true, backend))
        .api("/processrequest", new XmlRpcServlet(false, backend))
        .controlRoutes(routes -> {
          ChartInspection.register(routes, records);
          routes.post("/_sim/expire-sessions", ctx -> {
            expireSessionsNow();
            ctx.status(204);
          });
          routes.post("/_sim/strict", ctx -> {
            strict(Boolean.parseBoolean(ctx.queryParam("on")));
            ctx.status(204);
          });
        }), chart);
  }

  /** Starts a simulator on a free port with the defaults of {@link Builder}. */
  public static AdvancedMdSimulator start() {
    return builder().start();
  }

  /** Starts describing a simulator. */
  public static Builder builder() {
    return new Builder();
  }

  /** The FHIR base URL, {@code http://127.0.0.1:port/v1/r4/991234}. */
  @Override
  public String baseUrl() {
    return url("/v1/r4/" + AdvancedMdSeed.OFFICE_KEY);
  }

  /** Where the partner login is posted: {@code http://127.0.0.1:port/practicemanager/xmlrpc/processrequest.aspx}. */
  public String partnerLoginUrl() {
    return url("/practicemanager" + XmlRpcServlet.ENDPOINT);
  }

  /** The practice's XML-RPC endpoint (what the partner login's {@code webserver} leads to). */
  public String xmlRpcUrl() {
    return url("/processrequest" + XmlRpcServlet.WEBSERVER_PATH + XmlRpcServlet.ENDPOINT);
  }

  /** Plays every {@code assumed} behaviour the second way (true) or the first (false), from the next request on. */
  public void strict(boolean on) {
    this.strict = on;
  }

  /** Whether strict mode is on. */
  public boolean strict() {
    return strict;
  }

  /** Calls AdvancedMD would have billed as overruns of their class's cap since the last reset. */
  public long billedOverruns() {
    return stats.count("billedOverruns");
  }

  /** Changes the lifetime of sessions opened from now on. */
  public void sessionLifetime(Duration lifetime) {
    sessions.lifetime(lifetime);
  }

  /** Expires every open session: their next request gets fault 1025 "Session has timed out". */
  public void expireSessionsNow() {
    sessions.expireAll();
  }

  /** Records written through the XML-RPC API (kinds {@code patientnote}, {@code problem}). */
  public List<ChartStore.Entry> records(String kind, String patientId) {
    return records.list(kind, patientId);
  }

  /** Restores seed data and the configured strict mode; clears sessions, call and login windows. */
  @Override
  protected void restore() {
    records.clear();
    sessions.clear();
    limiter.clear();
    logins.clear();
    strict = defaultStrict;
    fhir.seed(fhirSeed());
  }

  @Override
  protected String concurrentEdit(String reference) {
    return records.edit(reference.substring(reference.indexOf('/') + 1));
  }

  private static List<ObjectNode> fhirSeed() {
    return FhirSeed.resources(AdvancedMdSeed.PATIENTS, AdvancedMdSeed.CHART_SYSTEM, AdvancedMdSeed.VISITS, "open",
        AdvancedMdSeed.PROVIDER_ADA, AdvancedMdSeed.PROVIDER_SAMUEL);
  }

  /** Describes an {@link AdvancedMdSimulator}. Not thread-safe. */
  public static final class Builder {
    private int port;
    private Clock clock = Clock.systemUTC();
    private Duration sessionLifetime = DEFAULT_SESSION_LIFETIME;
    private boolean strict;

    private Builder() {}

    /** Port to bind; 0 (default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Clock for session expiry, quota windows and peak hours (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Strict mode (default off); also what {@link #reset()} returns to. */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /** Lifetime of a session token (default {@link #DEFAULT_SESSION_LIFETIME}). */
    public Builder sessionLifetime(Duration lifetime) {
      this.sessionLifetime = lifetime;
      return this;
    }

    public AdvancedMdSimulator start() {
      return new AdvancedMdSimulator(this);
    }
  }

}
