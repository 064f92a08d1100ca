package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.apache.ApacheHttpRequest;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.ehr.RetryAfter;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;

import java.time.Duration;
import java.util.List;

/**
 * One FHIR server as the gateway reaches it: its timeouts, automatic retries off (a retried POST is exactly the
 * duplicate this gateway exists to prevent, and a retried read is a call no budget counted), redirects not
 * followed, and no {@code /metadata} fetch before calls. Thread-safe.
 *
 * <p>HAPI sends every request through the client factory of its {@link FhirContext}, whatever factory the client
 * was made with, so the HTTP client is the one {@link Transport} installs on the JVM's shared context, and each
 * server's timeouts travel with its requests.
 */
public final class FhirServer {
    private final EncodedCreates client;

    FhirServer(FhirConnection connection) {
        this(connection, List.of());
    }

    /**
     * A server whose every request also passes {@code interceptors} (e.g. a {@link BearerAuthorization} that
     * attaches a refreshed token, a call budget that counts each request against the vendor's rate limit).
     */
    public FhirServer(FhirConnection connection, List<IClientInterceptor> interceptors) {
        Transport transport = Transport.forConnection(connection);
        this.client = (EncodedCreates) Transport.CONTEXT.newRestfulGenericClient(connection.baseUrl());
        client.registerInterceptor(transport);
        if (connection.bearerToken() != null) {
            client.registerInterceptor(new BearerTokenAuthInterceptor(connection.bearerToken()));
        }
        interceptors.forEach(client::registerInterceptor);
    }

    public IGenericClient client() {
        return client;
    }

    /**
     * Creates {@code resource} from {@code body}, its JSON encoding, sent as it is: the bytes the caller digested
     * are the bytes that reach the server ({@link EncodedCreates}).
     *
     * @param ifNoneExist the search of a conditional create; null for a plain one
     * @param prefer      the {@code Prefer: return=} value; null to send none
     */
    MethodOutcome create(org.hl7.fhir.r4.model.Resource resource, String body,
                         java.util.Map<String, List<String>> ifNoneExist, String prefer) {
        return client.create(resource, body, ifNoneExist, prefer);
    }

    /**
     * The {@code Retry-After} of the last error answer this thread received from any FHIR server, null when it
     * carried none. HAPI's exceptions do not keep the answer's headers; an error is turned into an outcome on the
     * thread that made the call, right after it.
     */
    static Duration retryAfterOfLastAnswer() {
        return Transport.RETRY_AFTER.get();
    }

    /** The HTTP settings of one server's requests, and the shared client they run on. */
    static final class Transport implements IClientInterceptor {
        static final FhirContext CONTEXT = install(FhirContexts.r4());
        private static final ThreadLocal<Duration> RETRY_AFTER = new ThreadLocal<>();

        private final RequestConfig config;

        private Transport(RequestConfig config) {
            this.config = config;
        }

        static synchronized Transport forConnection(FhirConnection connection) {
            NoRetries factory = (NoRetries) CONTEXT.getRestfulClientFactory();
            if (factory.getPoolMaxPerRoute() < connection.maxConnections()) {
                factory.setPoolMaxPerRoute(connection.maxConnections());
            }
            return new Transport(RequestConfig.custom()
                    .setConnectTimeout((int) connection.connectTimeout().toMillis())
                    .setConnectionRequestTimeout((int) connection.readTimeout().toMillis())
                    .setSocketTimeout((int) connection.readTimeout().toMillis())
                    .setRedirectsEnabled(false)
                    .build());
        }

        private static FhirContext install(FhirContext context) {
            NoRetries factory = new NoRetries(context);
            factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
            factory.setPoolMaxTotal(1_000);
            context.setRestfulClientFactory(factory);
            return context;
        }

        @Override
        public void interceptRequest(IHttpRequest request) {
            RETRY_AFTER.remove();
            if (request instanceof ApacheHttpRequest apache) {
                apache.getApacheRequest().setConfig(config);
            }
        }

        @Override
        public void interceptResponse(IHttpResponse response) {
            List<String> retryAfter = response.getStatus() >= 400 ? response.getHeaders("Retry-After") : null;
            if (retryAfter != null && !retryAfter.isEmpty()) {
                RETRY_AFTER.set(RetryAfter.parse(retryAfter.get(0)));
            }
        }
    }

    /**
     * HAPI's Apache client factory with automatic retries and redirects off; a client it rebuilds after a setting
     * changed is built the same way.
     */
    private static final class NoRetries extends ApacheRestfulClientFactory {
        NoRetries(FhirContext context) {
            super(context);
        }

        /** Every client is one that can also send a body encoded beforehand. */
        @Override
        public synchronized IGenericClient newGenericClient(String serverBase) {
            validateConfigured();
            return new EncodedCreates(getFhirContext(), getHttpClient(serverBase), serverBase, this);
        }

        @Override
        protected HttpClientBuilder getHttpClientBuilder() {
            return super.getHttpClientBuilder().disableAutomaticRetries().disableRedirectHandling();
        }
    }
}
