package dev.chartbridge.simulators.athena;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.athena.internal.AnswerStyle;
import dev.chartbridge.simulators.athena.internal.AthenaApiServlet;
import dev.chartbridge.simulators.athena.internal.Patients;
import dev.chartbridge.simulators.vendorkit.CapabilityFhirServlet;
import dev.chartbridge.simulators.vendorkit.ChartInspection;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.ClientAuthenticator;
import dev.chartbridge.simulators.vendorkit.ClientCredentialsServlet;
import dev.chartbridge.simulators.vendorkit.ClientSecrets;
import dev.chartbridge.simulators.vendorkit.FhirSeed;
import dev.chartbridge.simulators.vendorkit.IssuedTokens;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Plays athenahealth (athenaOne): a 2-legged token endpoint {@code POST /oauth2/v1/token} (client secret in
 * HTTP Basic; new-token requests limited per minute by {@link AthenaEnvironment}), FHIR R4 at
 * {@code /fhir/r4} serving athena's published CapabilityStatement (reads, QuestionnaireResponse create),
 * and the proprietary form-urlencoded API at {@code /v1/{practiceid}} where clinical writes go, with
 * per-second and per-day quotas. Business-rule refusals come as 200 {@code success:false}; nothing is
 * idempotent. Reads answer in athena's read shapes (docs/evidence/athenahealth.yaml), not the write forms.
 * Strict mode ({@link #strict(boolean)}, {@code POST /_sim/strict?on=true}) answers every behaviour the ledger
 * marks as assumed, or on which the sources disagree, in a second plausible way. Faults apply to every API
 * path. Thread-safe.
 */
public final class AthenaSimulator extends AbstractSimulator {

  /** Access token lifetime: one hour (the recorded token answer: expires_in 3600). */
  // evidence: athena.auth.token-lifetime
  public static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3600);

  private final ChartStore records;
  /** Status is athena's {@code status} (a problem's CHRONIC or ACUTE); a deleted record is no longer listed (<b>invented</b>: the documents are silent). */
  private final ChartEditor chart;
  private final Patients patients = new Patients();
  private final IssuedTokens tokens;
  private final WindowLimiter tokenWindow;
  private final WindowLimiter secondWindow;
  private final WindowLimiter dayWindow;
  private final CapabilityFhirServlet fhir;
  private final Builder config;
  private volatile AthenaEnvironment environment;
  private volatile int tokensPerMinute;
  private volatile int callsPerSecond;
  private volatile int callsPerDay;
  private volatile boolean strict;

  private AthenaSimulator(Builder b) {
    config = b;
    Clock clock = b.clock;
    records = new ChartStore(n -> Long.toString(1000 + n), clock, faults, stats);
    chart = records.editor("status");
    tokens = new IssuedTokens(clock);
    tokenWindow = new WindowLimiter(clock, Duration.ofMinutes(1));
    secondWindow = new WindowLimiter(clock, Duration.ofSeconds(1));
    dayWindow = new WindowLimiter(clock, Duration.ofDays(1));
    applyConfig();
    // evidence: athena.fhir.capability-statement
    fhir = new CapabilityFhirServlet("/vendor/athenahealth/r4-capabilitystatement.json", null,
        request -> tokens.validate(request).isPresent(), () -> true, "", faults, stats, clock);
    fhir.seed(fhirSeed());
    ClientAuthenticator clients = b.clients != null ? b.clients
        : new ClientSecrets(Map.of(AthenaSeed.CLIENT_ID, AthenaSeed.CLIENT_SECRET), false);
    // evidence: athena.auth.token-endpoint, athena.auth.client-secret-basic, athena.auth.mdp-scope, athena.limit.token-requests
    serve(SimulatorServer.builder()
        .port(b.port)
        .api("/oauth2", new ClientCredentialsServlet("/v1/token", () -> clients, tokens, TOKEN_LIFETIME,
            scope -> scope.equals(AthenaSeed.MDP_SCOPE) || scope.startsWith("system/"), tokenWindow,
            () -> tokensPerMinute, stats))
        .api("/fhir/r4", fhir)
        .api("/v1", new AthenaApiServlet(tokens, secondWindow, dayWindow, () -> callsPerSecond, () -> callsPerDay,
            records, new AnswerStyle(() -> strict), patients, stats))
        .controlRoutes(routes -> {
          ChartInspection.register(routes, records);
          routes.post("/_sim/strict", ctx -> {
            strict(Boolean.parseBoolean(ctx.queryParam("on")));
            ctx.contentType("application/json").result("{\"strict\":" + strict + "}");
          });
        }), chart);
  }

  /** Starts a simulator on a free port with the defaults of {@link Builder} (preview limits). */
  public static AthenaSimulator start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The FHIR base URL, {@code http://127.0.0.1:port/fhir/r4}. */
  @Override
  public String baseUrl() {
    return url("/fhir/r4");
  }

  /** The proprietary API of the seed practice: {@code http://127.0.0.1:port/v1/195900}. */
  public String apiUrl() {
    return url("/v1/" + AthenaSeed.PRACTICE_ID);
  }

  /** {@code http://127.0.0.1:port/oauth2/v1/token}. */
  public String tokenUrl() {
    return url("/oauth2/v1/token");
  }

  /** Strict mode on or off (also {@code POST /_sim/strict?on=true|false} on the control port). */
  public void strict(boolean on) {
    strict = on;
  }

  public boolean strict() {
    return strict;
  }

  /** Switches to {@code environment}'s limits (overriding any custom limit). */
  public void environment(AthenaEnvironment environment) {
    this.environment = environment;
    tokensPerMinute = environment.tokensPerMinute();
    callsPerSecond = environment.callsPerSecond();
    callsPerDay = environment.callsPerDay();
  }

  /** Sets the limits directly: new tokens per minute, API calls per second and per day. */
  public void limits(int tokensPerMinute, int callsPerSecond, int callsPerDay) {
    this.tokensPerMinute = tokensPerMinute;
    this.callsPerSecond = callsPerSecond;
    this.callsPerDay = callsPerDay;
  }

  /** Expires every issued access token now. */
  public void expireTokensNow() {
    tokens.expireAll();
  }

  /**
   * Records written through the v1 API: kinds {@code problem}, {@code vitals} (one per reading),
   * {@code allergy}, {@code medication}, {@code clinicaldocument}; null for any.
   */
  public List<ChartStore.Entry> records(String kind, String patientId) {
    return records.list(kind, patientId);
  }

  /** Stored FHIR resources of {@code type} (seed Patients etc. and created QuestionnaireResponses). */
  public List<ObjectNode> fhirResources(String type) {
    return fhir.resources(type);
  }

  /** Restores seed data and the configured limits and mode; clears tokens and quota windows. */
  @Override
  protected void restore() {
    records.clear();
    patients.reset();
    tokens.clear();
    tokenWindow.clear();
    secondWindow.clear();
    dayWindow.clear();
    applyConfig();
    fhir.seed(fhirSeed());
  }

  @Override
  protected String concurrentEdit(String reference) {
    return records.edit(reference.substring(reference.indexOf('/') + 1));
  }

  private void applyConfig() {
    environment(config.environment);
    if (config.limits != null) {
      limits(config.limits[0], config.limits[1], config.limits[2]);
    }
    strict = config.strict;
  }

  private static List<ObjectNode> fhirSeed() {
    return FhirSeed.resources(AthenaSeed.PATIENTS, AthenaSeed.MRN_SYSTEM, AthenaSeed.ENCOUNTERS, "OPEN",
        AthenaSeed.PROVIDER_ADA, AthenaSeed.PROVIDER_SAMUEL);
  }

  /** Describes an {@link AthenaSimulator}; its settings are also what {@link #reset()} returns to. */
  public static final class Builder {
    private int port;
    private Clock clock = Clock.systemUTC();
    private AthenaEnvironment environment = AthenaEnvironment.PREVIEW;
    private int[] limits;
    private boolean strict;
    private ClientAuthenticator clients;

    private Builder() {}

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Clock for token expiry and quota windows (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Limits of {@code environment} (default {@link AthenaEnvironment#PREVIEW}). */
    public Builder environment(AthenaEnvironment environment) {
      this.environment = environment;
      return this;
    }

    /** Custom limits: new tokens per minute, API calls per second and per day. */
    public Builder limits(int tokensPerMinute, int callsPerSecond, int callsPerDay) {
      this.limits = new int[] {tokensPerMinute, callsPerSecond, callsPerDay};
      return this;
    }

    /** Starts in strict mode (see {@link AthenaSimulator#strict(boolean)}). */
    public Builder strict(boolean on) {
      this.strict = on;
      return this;
    }

    /**
     * Replaces the client-secret check of the token endpoint (default: {@link AthenaSeed#CLIENT_ID} /
     * {@link AthenaSeed#CLIENT_SECRET} in HTTP Basic), e.g. with the shared SMART auth package's JWT check.
     */
    public Builder clients(ClientAuthenticator clients) {
      this.clients = clients;
      return this;
    }

    public AthenaSimulator start() {
      return new AthenaSimulator(this);
    }
  }
}
