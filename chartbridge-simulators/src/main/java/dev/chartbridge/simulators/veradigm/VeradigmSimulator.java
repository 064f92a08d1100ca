package dev.chartbridge.simulators.veradigm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.vendorkit.CapabilityFhirServlet;
import dev.chartbridge.simulators.vendorkit.ChartInspection;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.ClientAuthenticator;
import dev.chartbridge.simulators.vendorkit.ClientCredentialsServlet;
import dev.chartbridge.simulators.vendorkit.ClientSecrets;
import dev.chartbridge.simulators.vendorkit.FhirSeed;
import dev.chartbridge.simulators.vendorkit.IssuedTokens;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import dev.chartbridge.simulators.veradigm.internal.ThrottledFhirServlet;
import dev.chartbridge.simulators.veradigm.internal.UnityActions;
import dev.chartbridge.simulators.veradigm.internal.UnityServlet;
import dev.chartbridge.simulators.veradigm.internal.UnityTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plays Veradigm (Allscripts): the Unity API ({@code /Unity/UnityService.svc/json/GetToken} and
 * {@code MagicJson}, errors inside 200 bodies) and a FHIR R4 API at {@code /fhir/R4} serving the sandbox
 * CapabilityStatement, whose declared creates and updates are honoured (switchable: the docs say read-only)
 * with {@code versioning: no-version}: no ETag, {@code If-Match} ignored, {@code If-None-Exist} ignored.
 * FHIR bearer tokens come from {@code POST /authorizationV2/connect/token} (client_credentials, client
 * secret). Faults apply to every API path.
 *
 * <p>Unity plays the shapes of Unity's public reference clients and recorded sandbox traffic (see
 * {@code docs/evidence/veradigm.yaml}): saves by their documented parameter positions, reads in Unity's read shapes.
 * In <b>strict</b> mode (builder, {@link #strict(boolean)} or {@code POST /_sim/strict?on=true}) every behaviour the
 * ledger marks {@code assumed} is answered another plausible way, to prove the adapter fails safe. Thread-safe.
 */
public final class VeradigmSimulator extends AbstractSimulator {

  /** Unity token lifetime when not configured; not in the published material (invented, see docs). */
  public static final Duration DEFAULT_UNITY_TOKEN_LIFETIME = Duration.ofMinutes(20);
  /** FHIR access token lifetime (SMART's usual hour; Veradigm's own number is not published). */
  public static final Duration FHIR_TOKEN_LIFETIME = Duration.ofSeconds(3600);

  private final ChartStore records;
  /** Status is the clinical summary's {@code status} (a problem's Active or Resolved); a deleted record is no longer listed (<b>invented</b>: the documents are silent). */
  private final ChartEditor chart;
  private final UnityTokens unityTokens;
  private final IssuedTokens fhirTokens;
  private final WindowLimiter unityLimiter;
  private final WindowLimiter fhirLimiter;
  private final CapabilityFhirServlet fhir;
  private final Builder config;
  private volatile boolean fhirWrites;
  private volatile boolean strict;
  private volatile UnityServlet.SaveLoss saveLoss;
  private volatile int unityPerMinute;
  private volatile int fhirPerMinute;

  private VeradigmSimulator(Builder b) {
    config = b;
    Clock clock = b.clock;
    records = new ChartStore(n -> Long.toString(500000 + n), clock, faults, stats);
    chart = records.editor("status");
    unityTokens = new UnityTokens(clock, b.unityTokenLifetime);
    fhirTokens = new IssuedTokens(clock);
    unityLimiter = new WindowLimiter(clock, Duration.ofMinutes(1));
    fhirLimiter = new WindowLimiter(clock, Duration.ofMinutes(1));
    applyConfig();
    fhir = new CapabilityFhirServlet("/vendor/veradigm/r4-capabilitystatement.json", null,
        request -> fhirTokens.validate(request).isPresent(), () -> fhirWrites,
        "FHIR writes are switched off (Veradigm's docs: the FHIR API is read-only; write through Unity)",
        faults, stats, clock);
    fhir.seed(fhirSeed());
    ClientAuthenticator clients = new ClientSecrets(Map.of(VeradigmSeed.FHIR_CLIENT_ID, VeradigmSeed.FHIR_CLIENT_SECRET), true);
    serve(SimulatorServer.builder()
        .port(b.port)
        .api("/Unity", new UnityServlet(unityTokens, new UnityActions(records, () -> strict), unityLimiter,
            () -> unityPerMinute, stats, () -> strict, () -> saveLoss))
        .api("/authorizationV2", new ClientCredentialsServlet("/connect/token", () -> clients, fhirTokens,
            FHIR_TOKEN_LIFETIME, scope -> true, fhirLimiter, () -> 0, stats))
        .api("/fhir/R4", new ThrottledFhirServlet(fhir, fhirLimiter, () -> fhirPerMinute, stats))
        .controlRoutes(routes -> {
          ChartInspection.register(routes, records);
          routes.get("/_sim/resources", ctx -> {
            String type = ctx.queryParam("type");
            String patient = ctx.queryParam("patient");
            List<ObjectNode> found = patient != null ? fhir.forPatient(patient) : fhir.resources(type == null ? "" : type);
            ctx.contentType("application/json").result(found.stream()
                .filter(r -> type == null || r.path("resourceType").asText().equals(type)).toList().toString());
          });
          // evidence: veradigm.behaviour.sim-strict-mode
          routes.post("/_sim/strict", ctx -> {
            strict = Boolean.parseBoolean(ctx.queryParam("on"));
            ctx.status(204);
          });
          routes.post("/_sim/expire-tokens", ctx -> {
            expireTokensNow();
            ctx.status(204);
          });
        }), chart);
  }

  /** Starts a simulator on a free port with the defaults of {@link Builder}. */
  public static VeradigmSimulator start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The FHIR base URL, {@code http://127.0.0.1:port/fhir/R4}. */
  @Override
  public String baseUrl() {
    return url("/fhir/R4");
  }

  /** {@code http://127.0.0.1:port/Unity/UnityService.svc/json}; append {@code /GetToken} or {@code /MagicJson}. */
  public String unityUrl() {
    return url("/Unity/UnityService.svc/json");
  }

  /** The FHIR token endpoint. */
  public String tokenUrl() {
    return url("/authorizationV2/connect/token");
  }

  /** Turns the CapabilityStatement's FHIR creates/updates on (default) or off (the docs' read-only FHIR). */
  public void fhirWrites(boolean enabled) {
    fhirWrites = enabled;
  }

  /** Turns strict mode on or off: every assumed Unity behaviour answered a second plausible way. */
  public void strict(boolean on) {
    strict = on;
  }

  /**
   * Loses the answer of this share of Unity save actions after storing them (the connection hangs {@code hangMs}),
   * leaving reads alone: a lost write answer, where the generic commit-then-timeout fault also hits Unity's reads
   * (every Unity call is a POST). {@code 0} turns it off; {@link #reset()} does too.
   */
  public void loseSaveAnswers(double probability, long hangMs) {
    saveLoss = probability <= 0 ? null : new UnityServlet.SaveLoss(probability, hangMs);
  }

  /** Whether strict mode is on. */
  public boolean strict() {
    return strict;
  }

  /** Unity requests allowed per minute per Appname; 0 for no limit (default). */
  public void unityRequestsPerMinute(int limit) {
    unityPerMinute = limit;
  }

  /** FHIR requests allowed per minute; 0 for no limit (default). */
  public void fhirRequestsPerMinute(int limit) {
    fhirPerMinute = limit;
  }

  /** Expires every Unity and FHIR token now. */
  public void expireTokensNow() {
    unityTokens.expireAll();
    fhirTokens.expireAll();
  }

  /** Records saved through Unity (kinds note, vitals, problem, allergy, task, medication). */
  public List<ChartStore.Entry> records(String kind, String patientId) {
    return records.list(kind, patientId);
  }

  /** Stored FHIR resources of {@code type}. */
  public List<ObjectNode> fhirResources(String type) {
    return fhir.resources(type);
  }

  /** Stored FHIR {@code type/id}. */
  public Optional<ObjectNode> fhirRead(String type, String id) {
    return fhir.read(type, id);
  }

  /** Restores seed data and the configured switches and limits; clears tokens and windows. */
  @Override
  protected void restore() {
    records.clear();
    unityTokens.clear();
    fhirTokens.clear();
    unityLimiter.clear();
    fhirLimiter.clear();
    applyConfig();
    fhir.seed(fhirSeed());
  }

  private void applyConfig() {
    fhirWrites = config.fhirWrites;
    strict = config.strict;
    saveLoss = null;
    unityPerMinute = config.unityPerMinute;
    fhirPerMinute = config.fhirPerMinute;
    unityTokens.lifetime(config.unityTokenLifetime);
  }

  @Override
  protected String concurrentEdit(String reference) {
    String type = reference.substring(0, reference.indexOf('/'));
    return Character.isUpperCase(type.charAt(0)) ? fhir.edit(reference)
        : records.edit(reference.substring(reference.indexOf('/') + 1));
  }

  private static List<ObjectNode> fhirSeed() {
    return FhirSeed.resources(VeradigmSeed.PATIENTS, VeradigmSeed.MRN_SYSTEM, VeradigmSeed.ENCOUNTERS, "Open",
        VeradigmSeed.PROVIDER_ADA, VeradigmSeed.PROVIDER_SAMUEL);
  }

  /** Describes a {@link VeradigmSimulator}; its settings are also what {@link #reset()} returns to. */
  public static final class Builder {
    private int port;
    private Clock clock = Clock.systemUTC();
    private Duration unityTokenLifetime = DEFAULT_UNITY_TOKEN_LIFETIME;
    private boolean fhirWrites = true;
    private boolean strict;
    private int unityPerMinute;
    private int fhirPerMinute;

    private Builder() {}

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Clock for token expiry and rate windows (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder unityTokenLifetime(Duration lifetime) {
      this.unityTokenLifetime = lifetime;
      return this;
    }

    /** Whether the FHIR creates/updates the CapabilityStatement declares are honoured (default true). */
    public Builder fhirWrites(boolean enabled) {
      this.fhirWrites = enabled;
      return this;
    }

    /** Strict mode from the start (and after every reset); default off. */
    public Builder strict(boolean on) {
      this.strict = on;
      return this;
    }

    /** Unity requests per minute per Appname; 0 (default) for none. */
    public Builder unityRequestsPerMinute(int limit) {
      this.unityPerMinute = limit;
      return this;
    }

    /** FHIR requests per minute; 0 (default) for none. */
    public Builder fhirRequestsPerMinute(int limit) {
      this.fhirPerMinute = limit;
      return this;
    }

    public VeradigmSimulator start() {
      return new VeradigmSimulator(this);
    }
  }
}
