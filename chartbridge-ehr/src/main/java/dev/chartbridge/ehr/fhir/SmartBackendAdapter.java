package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.adapter.CheckReport;
import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.auth.ClientAuthentication;
import dev.chartbridge.ehr.auth.OAuthClientCredentials;
import dev.chartbridge.ehr.auth.SmartScopes;
import dev.chartbridge.ehr.auth.TokenCheck;
import dev.chartbridge.ehr.auth.TokenFetcher;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The adapter of a FHIR R4 vendor reached as a SMART Backend Services client (Epic, eClinicalWorks): the connection
 * must name {@code baseUrl}, {@code tokenUrl} and {@code clientId}; an RS384 {@code private_key_jwt} assertion (with
 * {@code kid} and the gateway's JWKS URL as {@code jku}) buys a token for the least scopes the connection's event
 * types need, cached, refreshed a minute early and fetched once for all concurrent writes; intake plans by the
 * vendor's profile; send, render, find, verify and read-back are a {@link BackendFhirWriter}'s. What differs per
 * vendor (the FHIR base, what wraps every call, the meaning of error answers, updates) comes from the subclass.
 * Thread-safe.
 */
public abstract class SmartBackendAdapter implements EhrAdapter {
    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final VendorProfile profile;
    private final List<String> scopes;
    /** Every step goes here; a vendor that takes updates hands them to it too. */
    protected final BackendFhirWriter writer;
    private final CachingTokenSource tokens;
    private final FhirServer server;
    private final LiveCheck.Smart smart;
    private final java.util.Set<String> eventTypes;
    private final String testPatient;

    /**
     * @param baseUrl    the FHIR base of a checked connection
     * @param tokenCalls wraps the token request (e.g. to count it against a call budget); identity for none
     * @param before     interceptors every FHIR request passes before the bearer token is set
     * @param answers    the vendor's meaning of failed answers
     */
    protected SmartBackendAdapter(VendorProfile profile, Connection connection, AdapterEnvironment env,
                                  Function<Connection, String> baseUrl, UnaryOperator<TokenFetcher> tokenCalls,
                                  List<IClientInterceptor> before, BackendFhirWriter.Answers answers) {
        if (connection.baseUrl() == null || connection.tokenUrl() == null || connection.clientId() == null) {
            throw new ChartBridgeException("connection " + connection.name()
                    + ": " + profile.name() + " needs baseUrl, tokenUrl and clientId");
        }
        this.profile = profile;
        this.scopes = SmartScopes.leastFor(profile, connection.enabledEventTypes());
        this.tokens = new CachingTokenSource(tokenCalls.apply(() -> new OAuthClientCredentials(
                connection.tokenUrl(), new ClientAuthentication.PrivateKeyJwt(connection.clientId(),
                env.signingKey(), env.jwksUrl().get(), env.clock()), scopes, env.clock()).fetch()),
                REFRESH_MARGIN, env.clock()).countedBy(env.tokenMetrics());
        BearerAuthorization auth = new BearerAuthorization(tokens);
        List<IClientInterceptor> interceptors = new ArrayList<>(before);
        if (TraceparentHeader.on(connection.setting("propagateTrace", null), false)) {
            interceptors.add(new TraceparentHeader());
        }
        interceptors.add(auth);
        this.smart = new LiveCheck.Smart(baseUrl.apply(connection), connection.tokenUrl(), tokens, scopes);
        this.eventTypes = connection.enabledEventTypes();
        this.testPatient = connection.setting("testPatient", null);
        this.server = new FhirServer(new FhirConnection(baseUrl.apply(connection), null, CONNECT_TIMEOUT,
                connection.readTimeout(), connection.maxConcurrency()), List.copyOf(interceptors));
        this.writer = new BackendFhirWriter(profile, server, auth, answers, env.clock());
    }

    @Override
    public final String vendor() {
        return profile.vendor();
    }

    /**
     * A token (from the cache, or fetched as a write would fetch it), then the server's CapabilityStatement
     * ({@link MetadataCheck}); down at the first that fails, saying which.
     */
    @Override
    public ConnectionCheck check() {
        ConnectionCheck token = TokenCheck.of(tokens, "token issued");
        if (token.status() != ConnectionCheck.Status.UP) {
            return token;
        }
        ConnectionCheck metadata = MetadataCheck.of(server);
        return metadata.status() == ConnectionCheck.Status.UP
                ? ConnectionCheck.up(metadata.detail() + "; token issued") : metadata;
    }

    /**
     * The server's CapabilityStatement against the profile's writes, its SMART configuration, a token with the
     * scopes granted against those asked, and a read of the configured test patient ({@link LiveCheck}).
     */
    @Override
    public CheckReport inspect() {
        return LiveCheck.inspect(server, profile, eventTypes, smart, testPatient);
    }

    /** The scopes this connection asks the vendor for. */
    public final List<String> scopes() {
        return scopes;
    }

    @Override
    public final WritePlan plan(ClinicalEvent event) {
        return ProfilePlanner.plan(profile, event, FhirR4Mapping.resourceType(event));
    }

    @Override
    public final SendOutcome send(WriteContext write) {
        return writer.send(write);
    }

    @Override
    public final RenderOutcome render(WriteContext write) {
        return writer.render(write);
    }

    @Override
    public final FindOutcome find(WriteContext write) {
        return writer.find(write);
    }

    @Override
    public final VerifyOutcome verify(WriteContext write) {
        return writer.verify(write);
    }

    @Override
    public final ReadBack readBack(WriteContext write) {
        return writer.readBack(write);
    }

    /** Plans an amendment by the vendor's profile, for a subclass that takes updates. */
    protected final WritePlan planUpdateByProfile(ClinicalEvent amendment) {
        return ProfilePlanner.planUpdate(profile, amendment, FhirR4Mapping.resourceType(amendment));
    }
}
