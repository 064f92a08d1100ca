package dev.chartbridge.simulators.ecw;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.auth.AuthControlRoutes;
import dev.chartbridge.simulators.auth.AuthPolicy;
import dev.chartbridge.simulators.auth.ClientRegistration;
import dev.chartbridge.simulators.auth.Interaction;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.fhir.internal.CapabilityStatementFile;
import dev.chartbridge.simulators.fhir.internal.ChartEdit;
import dev.chartbridge.simulators.fhir.internal.ConcurrentEdit;
import dev.chartbridge.simulators.fhir.internal.FhirServers;
import dev.chartbridge.simulators.fhir.internal.FieldDropper;
import dev.chartbridge.simulators.fhir.internal.ReadableProvider;
import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import dev.chartbridge.simulators.fhir.internal.StoreQueries;
import dev.chartbridge.simulators.fhir.internal.VendorRules;
import dev.chartbridge.simulators.fhir.internal.WritableProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.hl7.fhir.r4.model.Resource;

/**
 * Plays one eClinicalWorks practice's FHIR R4 facade (see {@code docs/simulators.md}, eClinicalWorks):
 * base {@code /fhir/r4/{practice_code}}, backend tokens from {@code /oauth/oauth2/token} (RS384
 * {@code private_key_jwt} against the registered, allow-listed JWKS URL; 300 s by default), the published
 * CapabilityStatement (only QuestionnaireResponse create) plus the contracted creates enabled for the
 * practice, eCW's numeric writeback errors, no idempotency (a resend is a duplicate), and the 250 calls per
 * minute limit on the practice base URL, token calls included (429, no Retry-After, until the minute ends).
 * Seeded with {@link EcwSeed}; {@link Faults} apply to the FHIR API.
 *
 * <p>One simulator is one practice: start two for two practices (each has its own limit). Thread-safe.
 */
// evidence: ecw.auth.token, ecw.search.endpoints, ecw.read.endpoints, ecw.create.contracted
public final class EcwSimulator extends AbstractSimulator {

  /** Path of the token endpoint, as at eCW's authorization server. */
  public static final String TOKEN_PATH = "/oauth/oauth2/token";
  /** Backend token lifetime in eCW's documented example (other sources say 3600). */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(300);
  /** Calls per window per practice base URL. */
  public static final int DEFAULT_RATE_LIMIT = 250;
  public static final Duration DEFAULT_RATE_WINDOW = Duration.ofMinutes(1);
  /** Creates contracted per practice, enabled by default. */
  public static final Set<String> CONTRACTED_CREATES = Set.of("AllergyIntolerance", "Condition", "Immunization",
      "MedicationRequest", "DocumentReference", "Encounter", "Observation");

  private static final List<String> WRITABLE_TYPES = List.of("Patient", "Encounter", "AllergyIntolerance",
      "Condition", "Immunization", "MedicationRequest", "DocumentReference", "QuestionnaireResponse", "Observation");
  private final VendorRules rules = new VendorRules() {
    @Override
    public boolean conditionalCreate() {
      return false; // no idempotency: If-None-Exist is not honoured
    }

    /**
     * Only the search parameters the published CapabilityStatement declares on the type; anything else is refused
     * (what eCW answers is not documented: 400 with an OperationOutcome here).
     */
    @Override
    public void checkSearch(String type, Map<String, String[]> parameters) {
      // evidence: ecw.search.declared
      for (String name : parameters.keySet()) {
        if (!capabilities.declaresSearchParam(type, name)) {
          throw new InvalidRequestException("Search parameter '" + name + "' is not supported on " + type);
        }
      }
    }
  };

  private static final Set<String> PUBLISHED_SCOPES = publishedScopes();

  private final String practiceCode;
  private final int population;
  private final Set<String> defaultWrites;
  private final Set<String> enabledWrites = new ConcurrentSkipListSet<>();
  private final ResourceStore store = new ResourceStore();
  private final ConcurrentEdit concurrentEdit = new ConcurrentEdit(store, stats);
  /** Deletion <b>invented</b>: eCW's documents do not say what its API answers for a removed entry (here 404). */
  private final ChartEdit chart = new ChartEdit(store);
  private final CapabilityStatementFile capabilities =
      CapabilityStatementFile.load("/vendor/ecw/r4-capabilitystatement.json");
  private final PracticeRateLimit rateLimit;
  private final SmartAuth auth;
  private volatile boolean writebackUserConfigured = true;

  private EcwSimulator(Builder builder) {
    practiceCode = builder.practiceCode;
    population = builder.population;
    defaultWrites = Set.copyOf(builder.enabledWrites);
    enabledWrites.addAll(defaultWrites);
    rateLimit = new PracticeRateLimit(builder.rateLimit, builder.rateWindow, builder.clock, stats);
    seed();
    auth = new SmartAuth(AuthPolicy.builder()
        .tokenLifetime(builder.tokenLifetime)
        .privateKeyJwt(true)
        .clientSecret(false)
        .requireJku(false)
        .grantV1Spellings(false)
        .invalidClientStatus(401)
        .build(), stats, builder.clock, this::tokenUrl);
    RestfulServer fhir = FhirServers.json(FhirContext.forR4Cached(), providers());
    EcwApiServlet api = new EcwApiServlet(fhir, capabilities, this, new EcwWriteCheck(store), this::tokenUrl);
    serve(SimulatorServer.builder()
        .port(builder.port)
        .api("/fhir/r4/" + practiceCode, api)
        .controlRoutes(routes -> {
          routes.post(TOKEN_PATH, auth.tokenEndpoint().gatedBy(ctx -> {
            if (!rateLimit.admit()) {
              ctx.status(429).contentType("application/json").result("{\"error\":\"too_many_requests\","
                  + "\"error_description\":\"rate limit exceeded for practice " + practiceCode + "\"}");
              return false;
            }
            List<String> unpublished = unpublishedScopes(ctx.formParam("scope"));
            if (!unpublished.isEmpty()) {
              ctx.status(400).contentType("application/json").result("{\"error\":\"invalid_scope\","
                  + "\"error_description\":\"not a published scope: " + String.join(" ", unpublished) + "\"}");
              return false;
            }
            return true;
          }));
          new AuthControlRoutes(auth).register(routes);
          new EcwControlRoutes(this).register(routes);
        }), chart);
  }

  /**
   * The requested scopes that are not in eCW's published {@code scopes_supported}: eCW grants only its own
   * spellings ({@code .read}, {@code .r}, {@code .rs}, {@code .c}, {@code .u}; no {@code .s} or {@code .crs}).
   * The answer, {@code invalid_scope}, is RFC 6749's; eCW's own is not documented.
   */
  static List<String> unpublishedScopes(String requested) {
    // evidence: ecw.auth.published-scopes
    if (requested == null || requested.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(requested.trim().split("\\s+")).filter(s -> !PUBLISHED_SCOPES.contains(s))
        .toList();
  }

  /** Starts practice {@link EcwSeed#PRACTICE_CODE} on a free port with the defaults. */
  public static EcwSimulator start() {
    return builder().start();
  }

  /** Starts on {@code port} (0 for a free one). */
  public static EcwSimulator start(int port) {
    return builder().port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:port/fhir/r4/{practice_code}}. */
  @Override
  public String baseUrl() {
    return url("/fhir/r4/" + practiceCode);
  }

  /** The token endpoint URL: the {@code aud} of client assertions. */
  public String tokenUrl() {
    return url(TOKEN_PATH);
  }

  public String practiceCode() {
    return practiceCode;
  }

  /** The authorization server: clients, tokens, expiry, token endpoint outage. */
  public SmartAuth auth() {
    return auth;
  }

  /** Registers a backend client whose JWKS URL eCW has allow-listed. */
  public EcwSimulator registerClient(String clientId, String jwksUrl, String... scopes) {
    auth.register(ClientRegistration.withJwks(clientId, jwksUrl, scopes));
    return this;
  }

  /** Issues a token without a token request (test shortcut); the client must be registered. */
  public String issueToken(String clientId, String scope) {
    return auth.issue(clientId, scope).value();
  }

  /** The practice's rate limit; {@link PracticeRateLimit#configure} changes it at run time. */
  public PracticeRateLimit rateLimit() {
    return rateLimit;
  }

  /** Enables a contracted create of {@code type} for this practice. */
  public void enableWrite(String type) {
    enabledWrites.add(type);
  }

  /** Disables the create of {@code type} (the published QuestionnaireResponse create stays). */
  public void disableWrite(String type) {
    enabledWrites.remove(type);
  }

  /** Types whose create is enabled: the contracted ones plus what the CapabilityStatement declares. */
  public Set<String> enabledWrites() {
    Set<String> all = new TreeSet<>(enabledWrites);
    all.addAll(capabilities.typesDeclaring("create"));
    return all;
  }

  /** Whether {@code interaction} on {@code type} is a write this practice takes (creates only). */
  public boolean allowsWrite(String type, Interaction interaction) {
    return interaction == Interaction.CREATE
        && (enabledWrites.contains(type) || capabilities.declares(type, "create"));
  }

  /** Fault 308: with false, every write is refused with DEFAULT_WRITEBACK_USER_NOT_CONFIGURED. */
  public void writebackUserConfigured(boolean configured) {
    writebackUserConfigured = configured;
  }

  public boolean writebackUserConfigured() {
    return writebackUserConfigured;
  }

  /**
   * Restores the seed data and the enabled writes, clears issued tokens, the outage, the rate window and the
   * writeback-user fault. Registered clients and the rate limit settings are kept.
   */
  @Override
  protected void restore() {
    seed();
    enabledWrites.clear();
    enabledWrites.addAll(defaultWrites);
    writebackUserConfigured = true;
    auth.reset();
    rateLimit.reset();
  }

  @Override
  protected String concurrentEdit(String reference) {
    return concurrentEdit.edit(reference);
  }

  /** Every stored resource of {@code type}, in creation order. */
  public List<Resource> resources(String type) {
    return store.current(type);
  }

  /** The current version of {@code reference}. */
  public Optional<Resource> read(String reference) {
    return StoreQueries.read(store, reference);
  }

  /** Every stored resource that refers to Patient {@code patientId}. */
  public List<Resource> resourcesForPatient(String patientId) {
    return StoreQueries.resourcesForPatient(store, patientId);
  }

  /** How many stored resources carry {@code system|value}: the exactly-once check. */
  public int countWithIdentifier(String system, String value) {
    return StoreQueries.countWithIdentifier(store, system, value);
  }

  private void seed() {
    store.reseed(EcwSeed.resources(population));
  }

  private List<IResourceProvider> providers() {
    FieldDropper dropper = new FieldDropper(faults, stats);
    List<IResourceProvider> providers = new ArrayList<>();
    providers.add(new ReadableProvider("Practitioner", store, rules));
    WRITABLE_TYPES.forEach(t -> providers.add(new WritableProvider(t, store, stats, dropper, rules)));
    return providers;
  }

  /** Describes an {@link EcwSimulator}. Not thread-safe. */
  public static final class Builder {
    private int port;
    private String practiceCode = EcwSeed.PRACTICE_CODE;
    private int population;
    private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
    private int rateLimit = DEFAULT_RATE_LIMIT;
    private Duration rateWindow = DEFAULT_RATE_WINDOW;
    private Set<String> enabledWrites = CONTRACTED_CREATES;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The practice code in the base URL. */
    public Builder practiceCode(String practiceCode) {
      this.practiceCode = practiceCode;
      return this;
    }

    /**
     * Adds a generated population of {@code patients} patients, each with an open encounter, to the seed (for load
     * tests; ids as {@link EcwSeed} says); default none.
     */
    public Builder population(int patients) {
      this.population = patients;
      return this;
    }

    /** Backend token {@code expires_in}; default 300 s (eCW's example), some sources say 3600 s. */
    public Builder tokenLifetime(Duration tokenLifetime) {
      this.tokenLifetime = tokenLifetime;
      return this;
    }

    /** Calls per window on the practice base URL, token calls included; 0 turns the limit off. */
    public Builder rateLimit(int calls, Duration window) {
      this.rateLimit = calls;
      this.rateWindow = window;
      return this;
    }

    /** Contracted creates enabled for the practice; default {@link #CONTRACTED_CREATES}. */
    public Builder enabledWrites(Set<String> types) {
      this.enabledWrites = Set.copyOf(types);
      return this;
    }

    /** Time source of the rate window, token expiry and assertion checks. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public EcwSimulator start() {
      return new EcwSimulator(this);
    }
  }

  private static Set<String> publishedScopes() {
    Set<String> scopes = new TreeSet<>();
    dev.chartbridge.simulators.vendorkit.CapabilityFhirServlet.readResource("/vendor/ecw/smart-configuration.json")
        .path("scopes_supported").forEach(s -> scopes.add(s.asText()));
    return Set.copyOf(scopes);
  }
}
