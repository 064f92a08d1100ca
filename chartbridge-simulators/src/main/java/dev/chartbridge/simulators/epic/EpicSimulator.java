package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.auth.AuthControlRoutes;
import dev.chartbridge.simulators.auth.AuthPolicy;
import dev.chartbridge.simulators.auth.ClientRegistration;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.fhir.internal.CapabilityStatementFile;
import dev.chartbridge.simulators.fhir.internal.ChartEdit;
import dev.chartbridge.simulators.fhir.internal.ConcurrentEdit;
import dev.chartbridge.simulators.fhir.internal.FhirServers;
import dev.chartbridge.simulators.fhir.internal.FieldDropper;
import dev.chartbridge.simulators.fhir.internal.ReadableProvider;
import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import dev.chartbridge.simulators.fhir.internal.StoreQueries;
import dev.chartbridge.simulators.fhir.internal.WritableProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Resource;

/**
 * Plays Epic's FHIR R4 API as its public documents describe it (see {@code docs/simulators.md}, Epic):
 * SMART Backend Services auth (RS384 {@code private_key_jwt}, JKU required, 3600 s tokens, v1 scope
 * spellings granted for v2 requests), interactions allowed exactly as the published CapabilityStatement
 * declares (anything else: 403 with an empty body), no conditional create, vitals and note rules with
 * Epic's numeric error codes, a holding tank for conditions and allergies, 201 with an empty body and a
 * relative {@code Location}. Seeded with {@link EpicSeed}; {@link Faults} apply to the FHIR API.
 *
 * <p>Start with {@link #start()} or {@link #builder()}; register the gateway's client with
 * {@link #registerClient}. This class is thread-safe.
 */
// evidence: epic.auth.token, epic.search.endpoints, epic.read.endpoints, epic.create.endpoints, epic.update.endpoints
public final class EpicSimulator extends AbstractSimulator {

  /** Path of the FHIR base, as at Epic. */
  public static final String FHIR_PATH = "/interconnect-fhir-oauth/api/FHIR/R4";
  /** Path of the token endpoint, as at Epic. */
  public static final String TOKEN_PATH = "/interconnect-fhir-oauth/oauth2/token";
  /** Token lifetime: about an hour ({@code ehr-vendors.md}, Epic). */
  public static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3600);

  static final List<String> READ_ONLY_TYPES = List.of("Patient", "Encounter", "Practitioner", "MedicationRequest");
  /** Declared writable by the CapabilityStatement but not simulated (Patient.Create matching, ConceptMap). */
  private static final Set<String> NOT_SIMULATED = Set.of("Patient", "ConceptMap");

  private final ResourceStore store = new ResourceStore();
  private final ConcurrentEdit concurrentEdit = new ConcurrentEdit(store, stats);
  private final HoldingTank tank = new HoldingTank();
  /** Status changes only: Epic never deletes a record once it is readable. */
  private final ChartEditor chart = new ChartEdit(store)::setStatus;
  private final CapabilityStatementFile capabilities =
      CapabilityStatementFile.load("/vendor/epic/r4-capabilitystatement.json");
  private final SmartAuth auth;
  private final dev.chartbridge.simulators.WithdrawnInteractions withdrawn =
      new dev.chartbridge.simulators.WithdrawnInteractions();

  private EpicSimulator(Builder builder) {
    seed();
    auth = new SmartAuth(AuthPolicy.builder()
        .tokenLifetime(TOKEN_LIFETIME)
        .privateKeyJwt(true)
        .clientSecret(false)
        .requireJku(true)
        .grantV1Spellings(builder.grantV1Spellings)
        .build(), stats, builder.clock, this::tokenUrl);
    RestfulServer fhir = FhirServers.json(FhirContext.forR4Cached(), providers());
    fhir.registerInterceptor(new SearchWarnings());
    fhir.setDefaultPreferReturn(PreferReturnEnum.MINIMAL); // 201 with an empty body unless asked
    EpicApiServlet api = new EpicApiServlet(fhir, capabilities, auth, this::tokenUrl);
    api.publishThrough(withdrawn::apply);
    serve(SimulatorServer.builder()
        .port(builder.port)
        .api(FHIR_PATH, api)
        .controlRoutes(routes -> {
          withdrawn.register(routes);
          routes.post(TOKEN_PATH, auth.tokenEndpoint());
          new AuthControlRoutes(auth).register(routes);
          new EpicInspectionRoutes(this).register(routes);
        }), chart);
  }

  /** Interactions withdrawn from {@code /metadata} by a test ({@code /_sim/capabilities/withdrawn}). */
  public dev.chartbridge.simulators.WithdrawnInteractions withdrawn() {
    return withdrawn;
  }

  /** Starts an Epic simulator on a free port with the defaults. */
  public static EpicSimulator start() {
    return builder().start();
  }

  /** Starts an Epic simulator on {@code port} (0 for a free one). */
  public static EpicSimulator start(int port) {
    return builder().port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String baseUrl() {
    return url(FHIR_PATH);
  }

  /** The token endpoint URL: the {@code aud} of client assertions. */
  public String tokenUrl() {
    return url(TOKEN_PATH);
  }

  /** The authorization server: clients, tokens, expiry, token endpoint outage. */
  public SmartAuth auth() {
    return auth;
  }

  /**
   * Registers a backend client; its assertions must carry {@code jku} equal to {@code jwksUrl}.
   * Example: {@code registerClient("gateway", jwksUrl, "system/Observation.c", "system/Patient.rs")}.
   */
  public EpicSimulator registerClient(String clientId, String jwksUrl, String... scopes) {
    auth.register(ClientRegistration.withJwks(clientId, jwksUrl, scopes));
    return this;
  }

  /** Issues a token without a token request (test shortcut); the client must be registered. */
  public String issueToken(String clientId, String scope) {
    return auth.issue(clientId, scope).value();
  }

  /** Conditions and allergies created but not yet readable. */
  public HoldingTank holdingTank() {
    return tank;
  }

  /** Whether {@code reference} ({@code Condition/3}) is in the holding tank. */
  public boolean isHeld(String reference) {
    return tank.isHeld(reference);
  }

  /** Releases everything from the holding tank (a clinician reconciled it); returns what was released. */
  public List<String> releaseHoldingTank() {
    return tank.releaseAll();
  }

  /** Releases one record; returns whether it was held. */
  public boolean releaseHoldingTank(String reference) {
    return tank.release(reference);
  }

  /**
   * Restores the seed data, empties the holding tank, clears issued tokens (and the token endpoint outage).
   * Registered clients are kept.
   */
  @Override
  protected void restore() {
    seed();
    tank.releaseAll();
    auth.reset();
    withdrawn.clear();
  }

  @Override
  protected String concurrentEdit(String reference) {
    return concurrentEdit.edit(reference);
  }

  /** Every stored resource of {@code type}, held ones included, in creation order. */
  public List<Resource> resources(String type) {
    return store.current(type);
  }

  /** The current version of {@code reference}, held or not. */
  public Optional<Resource> read(String reference) {
    return StoreQueries.read(store, reference);
  }

  /** Every stored resource (held ones included) that refers to Patient {@code patientId}. */
  public List<Resource> resourcesForPatient(String patientId) {
    return StoreQueries.resourcesForPatient(store, patientId);
  }

  /** How many stored resources (held ones included) carry {@code system|value}: the exactly-once check. */
  public int countWithIdentifier(String system, String value) {
    return StoreQueries.countWithIdentifier(store, system, value);
  }

  /** Types this simulator accepts writes on: what the CapabilityStatement declares, minus the unsimulated. */
  static Set<String> writableTypes(CapabilityStatementFile capabilities) {
    Set<String> types = new TreeSet<>(capabilities.typesDeclaring("create"));
    types.addAll(capabilities.typesDeclaring("update"));
    types.removeAll(NOT_SIMULATED);
    return types;
  }

  private void seed() {
    store.reseed(EpicSeed.resources());
  }

  private List<IResourceProvider> providers() {
    EpicRules rules = new EpicRules(store, tank);
    FieldDropper dropper = new FieldDropper(faults, stats);
    List<IResourceProvider> providers = new ArrayList<>();
    READ_ONLY_TYPES.forEach(t -> providers.add(new ReadableProvider(t, store, rules)));
    writableTypes(capabilities).forEach(t -> providers.add(new WritableProvider(t, store, stats, dropper, rules)));
    return providers;
  }

  /** Describes an {@link EpicSimulator}. Not thread-safe. */
  public static final class Builder {
    private int port;
    private boolean grantV1Spellings = true;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Port to bind; 0 (default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Whether v2 scopes asked for come back in v1 spelling ({@code system/Observation.c} granted as
     * {@code system/Observation.write}); default true, as Epic may do.
     */
    public Builder grantV1Spellings(boolean v1) {
      this.grantV1Spellings = v1;
      return this;
    }

    /** Time source of token expiry and assertion checks. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public EpicSimulator start() {
      return new EpicSimulator(this);
    }
  }
}
