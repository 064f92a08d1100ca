package dev.chartbridge.simulators.advancedmd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.advancedmd.internal.EhrActions;
import dev.chartbridge.simulators.advancedmd.internal.Sessions;
import dev.chartbridge.simulators.advancedmd.internal.XmlRpcServlet;
import dev.chartbridge.simulators.vendorkit.CapabilityFhirServlet;
import dev.chartbridge.simulators.vendorkit.ChartInspection;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.FhirSeed;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.TreeMap;

/**
 * Plays AdvancedMD: a read-only FHIR R4 API at {@code /v1/r4/{org-id}} (AdvancedMD's published
 * CapabilityStatement; any write answers 405) and the XML-RPC {@code ppmdmsg} API through which writes go:
 * partner login at {@code /practicemanager/xmlrpc/processrequest.aspx}, which answers the practice's
 * {@code webserver}, then login and EHR actions at {@code {webserver}/xmlrpc/processrequest.aspx}. Sessions
 * expire (fault 1025), requests are limited per office key and 60-second window by {@link RateTier}, and
 * nothing is idempotent. Faults apply to every API path. Thread-safe.
 */
public final class AdvancedMdSimulator implements Simulator {

  /** Default session lifetime; AdvancedMD documents none publicly (invented). */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofMinutes(60);

  private final SimulatorStats stats = new SimulatorStats();
  private final Clock clock;
  private final ChartStore records;
  /** Status is the {@code status} attribute (a problem's Active or Resolved); a deleted record is no longer listed (<b>invented</b>: the documents are silent). */
  private final ChartEditor chart;
  private final Faults faults;
  private final Sessions sessions;
  private final WindowLimiter limiter;
  private final CapabilityFhirServlet fhir;
  private final RateTier defaultTier;
  private volatile RateTier tier;
  private final SimulatorServer server;

  private AdvancedMdSimulator(Builder b) {
    clock = b.clock;
    tier = defaultTier = b.tier;
    faults = new Faults(this::concurrentEdit);
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
    server = SimulatorServer.builder()
        .port(b.port)
        .api("/v1/r4", fhir)
        .api("/practicemanager", new XmlRpcServlet(true, backend))
        .api("/processrequest", new XmlRpcServlet(false, backend))
        .faults(faults)
        .stats(stats)
        .onReset(this::reset)
        .chart(chart)
        .controlRoutes(routes -> {
          ChartInspection.register(routes, records);
          routes.post("/_sim/expire-sessions", ctx -> {
            expireSessionsNow();
            ctx.status(204);
          });
        })
        .start();
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
    return server.origin() + "/v1/r4/" + AdvancedMdSeed.OFFICE_KEY;
  }

  /** Where the partner login is posted: {@code http://127.0.0.1:port/practicemanager/xmlrpc/processrequest.aspx}. */
  public String partnerLoginUrl() {
    return server.origin() + "/practicemanager" + XmlRpcServlet.ENDPOINT;
  }

  /** The practice's XML-RPC endpoint (what the partner login's {@code webserver} leads to). */
  public String xmlRpcUrl() {
    return server.origin() + "/processrequest" + XmlRpcServlet.WEBSERVER_PATH + XmlRpcServlet.ENDPOINT;
  }

  @Override
  public String controlUrl() {
    return server.origin() + "/_sim";
  }

  @Override
  public Faults faults() {
    return faults;
  }

  @Override
  public ChartEditor chart() {
    return chart;
  }

  @Override
  public SimulatorStats stats() {
    return stats;
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

  /** Restores seed data, clears faults, sessions, quota windows and counters, and the configured tier. */
  @Override
  public void reset() {
    faults.clear();
    records.clear();
    sessions.clear();
    limiter.clear();
    tier = defaultTier;
    fhir.seed(fhirSeed());
    stats.reset();
  }

  @Override
  public void close() {
    server.close();
  }

  private String concurrentEdit(String reference) {
    return records.edit(reference.substring(reference.indexOf('/') + 1));
  }

  private static List<ObjectNode> fhirSeed() {
    List<ObjectNode> out = new ArrayList<>();
    new TreeMap<>(AdvancedMdSeed.PATIENTS).forEach((id, person) ->
        out.add(FhirSeed.patient(id, AdvancedMdSeed.CHART_SYSTEM, person)));
    new TreeMap<>(AdvancedMdSeed.VISITS).forEach((id, v) ->
        out.add(FhirSeed.encounter(id, v[0], v[1].equals("open") ? "in-progress" : "finished")));
    out.add(FhirSeed.practitioner(AdvancedMdSeed.PROVIDER_ADA, SeedPerson.NPI_ADA, "Park", "Ada"));
    out.add(FhirSeed.practitioner(AdvancedMdSeed.PROVIDER_SAMUEL, SeedPerson.NPI_SAMUEL, "Okafor", "Samuel"));
    return out;
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
