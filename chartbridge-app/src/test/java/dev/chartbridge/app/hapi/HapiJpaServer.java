package dev.chartbridge.app.hapi;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import dev.chartbridge.simulators.AbstractSimulator;
import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.SimulatorServer;
import dev.chartbridge.simulators.fhir.SeedData;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real HAPI FHIR JPA server (Maven Central's {@code hapi-fhir-jpaserver-base}, H2 in memory) run in the test
 * JVM, with HAPI's default settings, behind the same request journal and fault filter the simulators use (so
 * that a test can lose an answer after HAPI committed, answer 503, or reset a connection). Nothing here plays a
 * vendor: every answer is HAPI's own. Seeded once with the simulators' {@link SeedData} patients, encounters and
 * practitioners under the same ids.
 *
 * <p>Started once per JVM ({@link #shared()}) because the Spring and Hibernate start-up costs seconds; every test
 * class shares it, so tests count what they add (before and after), clear the faults they set, and never
 * close it ({@link #close()} is a no-op; it ends with the JVM). {@link #reset()} clears faults and counters but
 * keeps the data. Thread-safe.
 */
public final class HapiJpaServer extends AbstractSimulator {
    private static HapiJpaServer shared;

    private final AnnotationConfigApplicationContext spring;
    private final DaoRegistry daos;
    private final HapiJpaChart chart;
    private final Duration startup;
    private final Duration startupCpu;

    private HapiJpaServer() {
        long started = System.nanoTime();
        long cpu = processCpuNanos();
        spring = new AnnotationConfigApplicationContext(HapiJpaSpringConfig.class);
        daos = spring.getBean(DaoRegistry.class);
        chart = new HapiJpaChart(daos);
        spring.getBean(IInterceptorService.class).registerInterceptor(new WriteCounter());
        seed();
        serve(SimulatorServer.builder().api("/fhir", restfulServer()), chart);
        startup = Duration.ofNanos(System.nanoTime() - started);
        startupCpu = Duration.ofNanos(processCpuNanos() - cpu);
    }

    /**
     * The JVM's one server, started on first use.
     *
     * @throws org.springframework.beans.BeansException if HAPI's configuration does not start
     */
    public static synchronized HapiJpaServer shared() {
        if (shared == null) {
            // No shutdown hook: stopping Spring and Hibernate orderly takes longer than a test JVM waits at exit,
            // and nothing outlives the JVM (H2 in memory, loopback sockets).
            shared = new HapiJpaServer();
        }
        return shared;
    }

    /** Whether {@link #shared()} has started the server already. */
    public static synchronized boolean isStarted() {
        return shared != null;
    }

    /** How long the first {@link #shared()} took: Spring, Hibernate's schema on H2, the seed and Jetty. */
    public Duration startup() {
        return startup;
    }

    /** The CPU time the whole JVM spent meanwhile: the start-up's cost on a machine shared with other work. */
    public Duration startupCpu() {
        return startupCpu;
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0L;
    }

    @Override
    public String baseUrl() {
        return url("/fhir");
    }

    /** The loopback port the server listens on. */
    public int port() {
        return java.net.URI.create(baseUrl()).getPort();
    }

    /** The server's own FHIR context (HAPI's JPA configuration builds it). */
    public FhirContext fhirContext() {
        return spring.getBean(FhirContext.class);
    }

    /**
     * The current version of every stored resource of {@code type} that refers to Patient {@code patientId}
     * (through its {@code patient} search parameter), read from the database directly, past HAPI's search cache.
     */
    public List<Resource> resourcesForPatient(String type, String patientId) {
        SearchParameterMap byPatient = SearchParameterMap.newSynchronous("patient",
                new ReferenceParam("Patient/" + patientId));
        List<Resource> out = new ArrayList<>();
        for (IBaseResource r : daos.getResourceDao(type).search(byPatient, new SystemRequestDetails())
                .getAllResources()) {
            out.add((Resource) r);
        }
        return out;
    }

    /** The ids of the stored Provenance records whose target is {@code reference} ({@code Type/id}). */
    public List<String> provenancesTargeting(String reference) {
        SearchParameterMap byTarget = SearchParameterMap.newSynchronous("target", new ReferenceParam(reference));
        return daos.getResourceDao("Provenance").search(byTarget, new SystemRequestDetails()).getAllResources()
                .stream().map(r -> r.getIdElement().getIdPart()).toList();
    }

    /** The current version of {@code reference} ({@code Type/id}), read from the database directly. */
    public Resource read(String reference) {
        IdType id = new IdType(reference).toUnqualifiedVersionless();
        return (Resource) daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
    }

    /** The server keeps its data for the JVM's life: only faults and counters are cleared. */
    @Override
    protected void restore() {
        // deliberately empty: tests share the server and count what they add
    }

    @Override
    protected String concurrentEdit(String reference) {
        return chart.concurrentEdit(reference);
    }

    @Override
    public ChartEditor chart() {
        return chart;
    }

    /** Shared for the JVM's life: it ends with the JVM. */
    @Override
    public void close() {
    }

    private RestfulServer restfulServer() {
        FhirContext ctx = fhirContext();
        RestfulServer server = new RestfulServer(ctx);
        server.registerProviders(spring.getBean(ResourceProviderFactory.class).createProviders());
        server.registerProvider(spring.getBean(JpaSystemProvider.class));
        @SuppressWarnings("unchecked")
        IFhirSystemDao<org.hl7.fhir.r4.model.Bundle, org.hl7.fhir.r4.model.Meta> system =
                spring.getBean(IFhirSystemDao.class);
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(server, system,
                spring.getBean(JpaStorageSettings.class), spring.getBean(ISearchParamRegistry.class),
                spring.getBean(IValidationSupport.class)));
        server.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
        return server;
    }

    /** Stores the simulators' seed under the same ids (an update creates a record with a client-assigned id). */
    @SuppressWarnings("unchecked")
    private void seed() {
        for (Resource r : SeedData.resources()) {
            IFhirResourceDao<IBaseResource> dao = daos.getResourceDao(r.fhirType());
            dao.update(r, new SystemRequestDetails());
        }
    }

    /** Counts the records the REST API created or updated (not this class's own edits) into the stats. */
    private final class WriteCounter {
        @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
        public void created(RequestDetails request) {
            if (request instanceof ServletRequestDetails) {
                stats.recordCreate();
            }
        }

        @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
        public void updated(RequestDetails request) {
            if (request instanceof ServletRequestDetails) {
                stats.recordUpdate();
            }
        }
    }
}
