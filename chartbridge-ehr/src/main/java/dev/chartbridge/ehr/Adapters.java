package dev.chartbridge.ehr;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.ehr.advancedmd.AdvancedMdAdapter;
import dev.chartbridge.ehr.advancedmd.AdvancedMdSettings;
import dev.chartbridge.ehr.athena.AthenaAdapter;
import dev.chartbridge.ehr.ecw.EcwAdapter;
import dev.chartbridge.ehr.epic.EpicAdapter;
import dev.chartbridge.ehr.fhir.FhirConnection;
import dev.chartbridge.ehr.fhir.FhirR4Adapter;
import dev.chartbridge.ehr.veradigm.VeradigmAdapter;
import dev.chartbridge.ehr.veradigm.VeradigmSettings;

import java.util.Map;
import java.util.function.BiFunction;

/** Builds the adapter for a connection by its vendor name. */
public final class Adapters {
    private static final Map<String, BiFunction<Connection, AdapterEnvironment, EhrAdapter>> FACTORIES = Map.of(
            FhirR4Adapter.VENDOR, (c, env) -> new FhirR4Adapter(new FhirConnection(c.baseUrl(), null,
                    java.time.Duration.ofSeconds(5), c.readTimeout(), c.maxConcurrency()),
                    c.settings() == null ? Map.of() : c.settings(), c.enabledEventTypes()),
            EpicAdapter.VENDOR, EpicAdapter::new,
            AthenaAdapter.VENDOR, AthenaAdapter::new,
            EcwAdapter.VENDOR, EcwAdapter::new,
            AdvancedMdAdapter.VENDOR, (c, env) -> new AdvancedMdAdapter(AdvancedMdSettings.from(c), env.clock(),
                    env.meters()).countingSessions(env.tokenMetrics()),
            VeradigmAdapter.VENDOR, (c, env) -> new VeradigmAdapter(VeradigmSettings.from(c), env.clock())
                    .countingTokens(env.tokenMetrics()));

    private Adapters() {
    }

    public static EhrAdapter create(Connection connection, AdapterEnvironment env) {
        var factory = FACTORIES.get(connection.vendor());
        if (factory == null) {
            throw new ChartBridgeException("connection " + connection.name() + ": vendor '" + connection.vendor()
                    + "' has no adapter (available: " + String.join(", ", FACTORIES.keySet()) + ")");
        }
        return factory.apply(connection, env);
    }
}
