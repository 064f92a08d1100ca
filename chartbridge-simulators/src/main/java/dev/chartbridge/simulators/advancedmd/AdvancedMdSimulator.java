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
 * partner login at {@code /practicemanager/xmlrpc/processrequest.aspx}, which answers the practice's
 * {@code webserver}, then login and EHR actions at {@code {webserver}/xmlrpc/processrequest.aspx}. Sessions
 * expire (fault 1025), requests are limited per office key and 60-second window by {@link RateTier}, and
 * nothing is idempotent. Faults apply to every API path. Thread-safe.
 */
public final class AdvancedMdSimulator extends AbstractSimulator {

  /** Default session lifetime; AdvancedMD documents none publicly (invented). */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofMinutes(60);

  private final Clock clock;
  private final ChartStore records;
  /** Status is the {@code status} attribute (a problem's Active or Resolved); a deleted record is no longer listed (<b>invented</b>: the documents are silent). */
  private final ChartEditor chart;
  private final Sessions sessions;
  private final WindowLimiter limiter;
  private final CapabilityFhirServlet fhir;
  private final RateTier defaultTier;
  private volatile RateTier tier;

  private AdvancedMdSimulator(Builder b) {
    clock = b.clock;
    tier = defaultTier = b.tier;
    records = new ChartStore(n -> Long.toString(9000 + n), clock, faults, stats);
    chart = records.editor("status");
    sessions = new Sessions(clock, b.sessionLifetime);
    limiter = new WindowLimiter(clock, Duration.ofSeconds(60));
    fhir = new CapabilityFhirServlet("/vendor/advancedmd/r4-capabilitystatement.json", AdvancedMdSeed.OFFICE_KEY,
        request -> true, () -> false, "AdvancedMD's FHIR API is read-only; write through the XML-RPC API",
        faults, stats, clock);
    fhir.seed(fhirSeed());
    XmlRpcServlet.Backend backend =
        new XmlRpcServlet.Backend(sessions, limiter, () -> tier, new EhrActions(records), stats, clock);
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

  /** Changes the rate tier from the next request on. */
  public void tier(RateTier tier) {
    this.tier = tier;
  }

  /** Changes the lifetime of sessions opened from now on. */
  public void sessionLifetime(Duration lifetime) {
    sessions.lifetime(lifetime);
  }

  /** Expires every open session: their next request gets fault 1025 "Session has timed out". */
  public void expireSessionsNow() {
    sessions.expireAll();
  }

  /** Records written through the XML-RPC API (kinds {@code ehrnote}, {@code ehrproblem}, {@code file}, {@code ccdadocument}). */
  public List<ChartStore.Entry> records(String kind, String patientId) {
    return records.list(kind, patientId);
  }

  /** Restores seed data and the configured tier; clears sessions and quota windows. */
  @Override
  protected void restore() {
    records.clear();
    sessions.clear();
    limiter.clear();
    tier = defaultTier;
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
    private RateTier tier = RateTier.TIER_3;
    private Duration sessionLifetime = DEFAULT_SESSION_LIFETIME;

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

    /** Rate tier (default {@link RateTier#TIER_3}); also what {@link #reset()} returns to. */
    public Builder tier(RateTier tier) {
      this.tier = tier;
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
