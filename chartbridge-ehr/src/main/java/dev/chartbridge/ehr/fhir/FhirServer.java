package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import dev.chartbridge.ehr.FhirContexts;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

import java.util.List;

/**
 * One HTTP client for one FHIR server: its own connection pool and timeouts, automatic retries off (a retried
 * POST is exactly the duplicate this gateway exists to prevent), and no {@code /metadata} fetch before calls.
 * Thread-safe.
 */
public final class FhirServer {
    private final IGenericClient client;

    FhirServer(FhirConnection connection) {
        this(connection, List.of());
    }

    /**
     * A server whose every request also passes {@code interceptors} (e.g. a {@link BearerAuthorization} that
     * attaches a refreshed token, a call budget that counts each request against the vendor's rate limit).
     */
    public FhirServer(FhirConnection connection, List<IClientInterceptor> interceptors) {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(connection.maxConnections());
        pool.setDefaultMaxPerRoute(connection.maxConnections());
        RequestConfig timeouts = RequestConfig.custom()
                .setConnectTimeout((int) connection.connectTimeout().toMillis())
                .setConnectionRequestTimeout((int) connection.readTimeout().toMillis())
                .setSocketTimeout((int) connection.readTimeout().toMillis())
                .build();
        ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(FhirContexts.r4());
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setHttpClient(HttpClients.custom().setConnectionManager(pool).setDefaultRequestConfig(timeouts)
                .disableAutomaticRetries().disableRedirectHandling().build());
        this.client = factory.newGenericClient(connection.baseUrl());
        if (connection.bearerToken() != null) {
            client.registerInterceptor(new BearerTokenAuthInterceptor(connection.bearerToken()));
        }
        interceptors.forEach(client::registerInterceptor);
    }

    public IGenericClient client() {
        return client;
    }
}
