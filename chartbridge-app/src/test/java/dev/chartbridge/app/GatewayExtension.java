package dev.chartbridge.app;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.UnaryOperator;

/**
 * One test class's whole setup on a static field: a fresh database, the FHIR R4 simulator (reset before each
 * test) and a gateway node whose test tenant is configured by a function, started once for the class.
 * Not thread-safe: meant for JUnit's sequential lifecycle.
 */
final class GatewayExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private final PostgresExtension pg = new PostgresExtension();
    private final FhirSimulatorExtension ehr = new FhirSimulatorExtension();
    private final String node;
    private final UnaryOperator<GatewayConfig.TenantConfig> tenant;
    private TestGateway gateway;

    GatewayExtension(String node, UnaryOperator<GatewayConfig.TenantConfig> tenant) {
        this.node = node;
        this.tenant = tenant;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        pg.beforeAll(context);
        ehr.beforeAll(context);
        gateway = TestGateway.startWith(pg.url(), ehr.simulator().baseUrl(), node, tenant);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ehr.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ehr.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (gateway != null) {
            gateway.close();
        }
        ehr.afterAll(context);
        pg.afterAll(context);
    }

    /** How many intake refusals were audited with a reason containing {@code text}. */
    long refusalsAudited(String text) {
        return pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused' AND detail LIKE '%"
                + text.replace("'", "''") + "%'");
    }

    /** How many events are stored under idempotency keys matching the SQL LIKE {@code pattern}. */
    long eventsStored(String pattern) {
        return pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key LIKE '" + pattern + "'");
    }

    TestGateway gateway() {
        return gateway;
    }

    PostgresExtension pg() {
        return pg;
    }

    FhirSimulator ehr() {
        return ehr.simulator();
    }
}
