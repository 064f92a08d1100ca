package dev.chartbridge.ehr.epic;

import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.fhir.SmartBackendAdapter;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Writes to Epic's FHIR R4 API as a SMART Backend Services client ({@link SmartBackendAdapter}): an RS384
 * {@code private_key_jwt} assertion (with {@code kid} and the gateway's JWKS URL as {@code jku}) buys a token for
 * the least scopes the connection's event types need, cached and refreshed once for all concurrent writes. Vitals,
 * notes, provisional conditions and allergies are created with a plain POST (Epic has no conditional create; it
 * answers 201 with an empty body and a relative {@code Location}); everything Epic cannot take is refused at intake
 * by the profile. An unknown outcome is searched for by the write identifier, then by content, and a condition or
 * allergy that may sit unreadable in Epic's holding tank is never taken as absent: that is
 * {@link FindOutcome.Undetermined}, so the engine looks again later (and finds it once a clinician reconciles it)
 * and sends the write to review after its last check, instead of resending a duplicate into the tank. Reading
 * such a record back answers 404, which is {@link VerifyOutcome.NotYetReadable}. Thread-safe.
 */
// evidence: epic.auth.token, epic.search.endpoints, epic.read.endpoints, epic.create.endpoints, epic.update.endpoints
public final class EpicAdapter extends SmartBackendAdapter {
    public static final String VENDOR = "epic";

    /**
     * @param connection {@code baseUrl} (the FHIR R4 base), {@code tokenUrl}, {@code clientId} and the enabled
     *                   event types; the client must be registered at Epic with the gateway's JWKS URL
     */
    public EpicAdapter(Connection connection, AdapterEnvironment env) {
        super(VendorProfiles.of(VENDOR), connection, env, Connection::baseUrl, UnaryOperator.identity(), List.of(),
                new EpicAnswers());
    }

    @Override
    public WritePlan planUpdate(ClinicalEvent amendment) {
        return planUpdateByProfile(amendment);
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
}
