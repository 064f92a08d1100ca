package dev.chartbridge.simulators.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.fhir.internal.ChartEdit;
import dev.chartbridge.simulators.fhir.internal.ConcurrentEdit;
import dev.chartbridge.simulators.fhir.internal.FieldDropper;
import dev.chartbridge.simulators.fhir.internal.ReadableProvider;
import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import dev.chartbridge.simulators.fhir.internal.SearchParameterDeclarations;
import dev.chartbridge.simulators.fhir.internal.SearchQuery;
import dev.chartbridge.simulators.fhir.internal.WritableProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * A generic FHIR R4 server for tests: in memory, versioned, with real conditional create, If-Match and
 * search filtering, seeded with {@link SeedData} (and, if asked, a generated population), and with {@link Faults}
 * applied to every request under {@code /fhir}. Start one with {@link #start()}; it listens on 127.0.0.1 until
 * {@link #close()}.
 *
 * <p>Patient, Encounter and Practitioner are read-only (read, vread, search); the clinical types in
 * {@link #WRITABLE_TYPES} also support create and update. This class is thread-safe.
 */
public final class FhirSimulator implements Simulator {

  /** Types served read-only. */
  public static final List<String> READ_ONLY_TYPES = List.of("Patient", "Encounter", "Practitioner");

  /** Types that clients can create and update. */
  public static final List<String> WRITABLE_TYPES = List.of("Observation", "DocumentReference", "Condition",
      "AllergyIntolerance", "MedicationRequest", "Task", "Consent", "Provenance");

  /**
   * The server's own FHIR context: it serves references exactly as clients sent them, so a Provenance keeps
   * its version-specific target ({@code Type/id/_history/n}); HAPI's default strips versions when it encodes.
   * One for all simulators of the JVM, built on first use (thread-safe once built).
   */
  private static final class ServerContext {
    static final FhirContext R4 = FhirContext.forR4();

    static {
      R4.getParserOptions().setStripVersionsFromReferences(false);
    }
  }

  private final ResourceStore store = new ResourceStore();
  private final SimulatorStats stats = new SimulatorStats();
  private final Faults faults = new Faults(new ConcurrentEdit(store, stats));
  private final ChartEdit chart = new ChartEdit(store);
  private final SimulatorServer server;
  private final int population;

  private FhirSimulator(int port, int population) {
    this.population = population;
    seed();
    RestfulServer fhir = new RestfulServer(ServerContext.R4);
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    fhir.setPagingProvider(new FifoMemoryPagingProvider(100));
    fhir.setResourceProviders(providers());
    fhir.registerInterceptor(new SearchParameterDeclarations());
    server = SimulatorServer.builder()
        .port(port)
        .api("/fhir", fhir)
        .faults(faults)
        .stats(stats)
        .onReset(this::reset)
        .chart(chart)
        .controlRoutes(routes -> new InspectionRoutes(this).register(routes))
        .start();
  }

  /** Starts a simulator on a free port. */
  public static FhirSimulator start() {
    return start(0);
  }

  /** Starts a simulator on {@code port} (0 for a free one). */
  public static FhirSimulator start(int port) {
    return start(port, 0);
  }

  /**
   * Starts a simulator on {@code port} (0 for a free one) whose seed also holds a generated population of
   * {@code population} patients, each with an open encounter ({@link SeedData#population(int)}); they are part of
   * the seed, so {@link #reset()} keeps them.
   */
  public static FhirSimulator start(int port, int population) {
    return new FhirSimulator(port, population);
  }

  /** How many generated patients the seed holds besides {@link SeedData#resources()}. */
  public int population() {
    return population;
  }

  @Override
  public String baseUrl() {
    return server.origin() + "/fhir";
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

  @Override
  public void reset() {
    faults.clear();
    seed();
    stats.reset();
  }

  @Override
  public void close() {
    server.close();
  }

  /**
   * A clinician changes the status of {@code reference} in the EHR (e.g. {@code entered-in-error}); also
   * {@code POST /_sim/chart/{type}/{id}/status} with {@code {"status": ...}}.
   *
   * @return the new version id
   */
  public String setStatus(String reference, String status) {
    return chart.setStatus(reference, status);
  }

  /** A clinician deletes {@code reference} in the EHR; also {@code DELETE /_sim/chart/{type}/{id}}. */
  public void delete(String reference) {
    chart.delete(reference);
  }

  /** The current version of every stored resource of {@code type}, in creation order. */
  public List<Resource> resources(String type) {
    return store.current(type);
  }

  /** The current version of {@code reference} (e.g. {@code Observation/3}). */
  public Optional<Resource> read(String reference) {
    IdType id = new IdType(reference);
    return store.read(id.getResourceType(), id.getIdPart());
  }

  /** Every stored resource (of any type but Patient) that refers to Patient {@code patientId}. */
  public List<Resource> resourcesForPatient(String patientId) {
    List<Resource> out = new ArrayList<>();
    for (String type : store.types()) {
      SearchQuery.forPatient(type, patientId)
          .ifPresent(query -> store.current(type).stream().filter(query).forEach(out::add));
    }
    return out;
  }

  /**
   * How many stored resources of any type carry the identifier {@code system|value}: the exactly-once
   * check (after any number of retries it must be 1).
   */
  public int countWithIdentifier(String system, String value) {
    int count = 0;
    for (Resource resource : store.current()) {
      var property = resource.getNamedProperty("identifier");
      if (property != null && property.getValues().stream().anyMatch(v -> v instanceof Identifier id
          && system.equals(id.getSystem()) && value.equals(id.getValue()))) {
        count++;
      }
    }
    return count;
  }

  private void seed() {
    store.atomically(() -> {
      store.clear();
      Stream.concat(SeedData.resources().stream(), SeedData.population(population).stream())
          .forEach(r -> store.put(r.fhirType(), r.getIdElement().getIdPart(), r));
      return null;
    });
  }

  private List<IResourceProvider> providers() {
    FieldDropper dropper = new FieldDropper(faults, stats);
    List<IResourceProvider> providers = new ArrayList<>();
    READ_ONLY_TYPES.forEach(t -> providers.add(new ReadableProvider(t, store)));
    WRITABLE_TYPES.forEach(t -> providers.add(new WritableProvider(t, store, stats, dropper)));
    return providers;
  }
}
