package dev.chartbridge.ehr.epic;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
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
import dev.chartbridge.ehr.fhir.BackendFhirWriter;
import dev.chartbridge.ehr.fhir.BearerAuthorization;
import dev.chartbridge.ehr.fhir.FhirConnection;
import dev.chartbridge.ehr.fhir.FhirR4Mapping;
import dev.chartbridge.ehr.fhir.FhirServer;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.time.Duration;
import java.util.List;

/**
 * Writes to Epic's FHIR R4 API as a SMART Backend Services client: an RS384 {@code private_key_jwt} assertion
 * (with {@code kid} and the gateway's JWKS URL as {@code jku}) buys a token for the least scopes the connection's
 * event types need, cached and refreshed once for all concurrent writes. Vitals, notes, provisional conditions and
 * allergies are created with a plain POST (Epic has no conditional create; it answers 201 with an empty body and a
 * relative {@code Location}); everything Epic cannot take is refused at intake by the profile. An unknown outcome
 * is searched for by the write identifier, then by content, and a condition or allergy that may sit unreadable in
 * Epic's holding tank is never taken as absent (no duplicate for clinicians to reconcile). Thread-safe.
 */
public final class EpicAdapter implements EhrAdapter {
    public static final String VENDOR = "epic";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);
    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    private final BackendFhirWriter writer;
    private final List<String> scopes;

    /**
     * @param connection {@code baseUrl} (the FHIR R4 base), {@code tokenUrl}, {@code clientId} and the enabled
     *                   event types; the client must be registered at Epic with the gateway's JWKS URL
     */
    public EpicAdapter(Connection connection, AdapterEnvironment env) {
        if (connection.baseUrl() == null || connection.tokenUrl() == null || connection.clientId() == null) {
            throw new ChartBridgeException("connection " + connection.name()
                    + ": Epic needs baseUrl, tokenUrl and clientId");
        }
        this.scopes = SmartScopes.leastFor(PROFILE, connection.enabledEventTypes());
        CachingTokenSource tokens = new CachingTokenSource(() -> new OAuthClientCredentials(connection.tokenUrl(),
                new ClientAuthentication.PrivateKeyJwt(connection.clientId(), env.signingKey(), env.jwksUrl().get(),
                        env.clock()), scopes, env.clock()).fetch(), REFRESH_MARGIN, env.clock());
        BearerAuthorization auth = new BearerAuthorization(tokens);
        FhirServer server = new FhirServer(new FhirConnection(connection.baseUrl(), null, Duration.ofSeconds(5),
                connection.readTimeout(), connection.maxConcurrency()), List.of(auth));
        this.writer = new BackendFhirWriter(PROFILE, server, auth, new EpicAnswers());
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    /** The scopes this connection asks Epic for. */
    public List<String> scopes() {
        return scopes;
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        return ProfilePlanner.plan(PROFILE, event, FhirR4Mapping.resourceType(event));
    }

    @Override
    public SendOutcome send(WriteContext write) {
        return writer.send(write);
    }

    @Override
    public RenderOutcome render(WriteContext write) {
        return writer.render(write);
    }

    /**
     * Searches by the write identifier, then by content. A condition or allergy not found may be waiting in the
     * holding tank, where it cannot be searched: that is {@link FindOutcome.Undetermined}, so the engine looks
     * again later (and finds it once a clinician reconciles it) and sends the write to review after its last
     * check, instead of resending a duplicate into the tank.
     */
    @Override
    public FindOutcome find(WriteContext write) {
        return writer.find(write);
    }

    @Override
    public WritePlan planUpdate(ClinicalEvent amendment) {
        return ProfilePlanner.planUpdate(PROFILE, amendment, FhirR4Mapping.resourceType(amendment));
    }

    /** Epic declares no versioning: read, compare with what the gateway wrote, write only when unchanged. */
    @Override
    public UpdateOutcome update(UpdateContext update) {
        return writer.update(update);
    }

    @Override
    public FindOutcome findUpdate(UpdateContext update) {
        return writer.findUpdate(update);
    }

    @Override
    public VerifyOutcome verifyUpdate(UpdateContext update) {
        return writer.verifyUpdate(update);
    }

    /** Reads the record back; a held condition or allergy reads 404 and is {@link VerifyOutcome.NotYetReadable}. */
    @Override
    public VerifyOutcome verify(WriteContext write) {
        return writer.verify(write);
    }

    @Override
    public ReadBack readBack(WriteContext write) {
        return writer.readBack(write);
    }
}
