package dev.chartbridge.simulators.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.WithdrawnInteractions;
import dev.chartbridge.simulators.fhir.internal.ChartEdit;
import dev.chartbridge.simulators.fhir.internal.ConcurrentEdit;
import dev.chartbridge.simulators.fhir.internal.FhirServers;
import dev.chartbridge.simulators.fhir.internal.FieldDropper;
import dev.chartbridge.simulators.fhir.internal.ReadableProvider;
import dev.chartbridge.simulators.fhir.internal.ResourceStore;
import dev.chartbridge.simulators.fhir.internal.SearchParameterDeclarations;
import dev.chartbridge.simulators.fhir.internal.StoreQueries;
import dev.chartbridge.simulators.fhir.internal.WritableProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
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
public final class FhirSimulator extends AbstractSimulator {

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
  private final ConcurrentEdit concurrentEdit = new ConcurrentEdit(store, stats);
  private final ChartEdit chart = new ChartEdit(store);
  private final int population;
  private final WithdrawnInteractions withdrawn = new WithdrawnInteractions();

  private FhirSimulator(int port, int population) {
    this.population = population;
    seed();
    RestfulServer fhir = FhirServers.json(ServerContext.R4, providers());
    fhir.registerInterceptor(new SearchParameterDeclarations());
    fhir.registerInterceptor(withdrawn);
    serve(SimulatorServer.builder()
        .port(port)
        .api("/fhir", fhir)
        .controlRoutes(routes -> {
          new InspectionRoutes(this).register(routes);
          withdrawn.register(routes);
        }), chart);
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
    return url("/fhir");
  }

  /** Interactions withdrawn from {@code /metadata} by a test ({@code /_sim/capabilities/withdrawn}). */
  public WithdrawnInteractions withdrawn() {
    return withdrawn;
  }

  /** Restores the seed data and the published CapabilityStatement. */
  @Override
  protected void restore() {
    seed();
    withdrawn.clear();
  }

  @Override
  protected String concurrentEdit(String reference) {
    return concurrentEdit.edit(reference);
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
    return StoreQueries.read(store, reference);
  }

  /** Every stored resource (of any type but Patient) that refers to Patient {@code patientId}. */
  public List<Resource> resourcesForPatient(String patientId) {
    return StoreQueries.resourcesForPatient(store, patientId);
  }

  /**
   * How many stored resources of any type carry the identifier {@code system|value}: the exactly-once
   * check (after any number of retries it must be 1).
   */
  public int countWithIdentifier(String system, String value) {
    return StoreQueries.countWithIdentifier(store, system, value);
  }

  private void seed() {
    store.reseed(Stream.concat(SeedData.resources().stream(), SeedData.population(population).stream()).toList());
  }

  private List<IResourceProvider> providers() {
    FieldDropper dropper = new FieldDropper(faults, stats);
    List<IResourceProvider> providers = new ArrayList<>();
    READ_ONLY_TYPES.forEach(t -> providers.add(new ReadableProvider(t, store)));
    WRITABLE_TYPES.forEach(t -> providers.add(new WritableProvider(t, store, stats, dropper)));
    return providers;
  }
}
