package dev.chartbridge.ehr.ecw;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.fhir.SmartBackendAdapter;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.time.Duration;
import java.util.List;

/**
 * Writes conditions, allergies and medication changes to one eClinicalWorks practice through its contracted FHIR
 * R4 creates ({@code <baseUrl>/<practice code>}), as a SMART backend client ({@link SmartBackendAdapter}): RS384
 * {@code private_key_jwt} against the allow-listed JWKS URL, tokens of 300 s refreshed a minute early, single
 * flight. Every request, token requests included, passes one {@link PracticeCallBudget} kept below eCW's 250 calls
 * per minute, so the gateway does not trip the practice's limit. eCW has no idempotency: an unknown outcome is
 * searched for by the write identifier, then by content, before anything is resent; a created record is read back
 * and compared. eCW takes no updates. Thread-safe.
 */
// evidence: ecw.auth.token, ecw.search.endpoints, ecw.read.endpoints, ecw.create.contracted, ecw.vitals.create,
// evidence: ecw.error.vitals
public final class EcwAdapter extends SmartBackendAdapter {
    public static final String VENDOR = "eclinicalworks";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);
    /** Headroom under eCW's limit for retries and other clients of the practice. */
    private static final int MARGIN = 10;
    /** Added to the window for the time between a request leaving and eCW counting it. */
    private static final Duration WINDOW_PAD = Duration.ofSeconds(1);

    /**
     * @param connection {@code baseUrl} (with or without the practice code), {@code practiceId} (the practice code),
     *                   {@code tokenUrl}, {@code clientId}, the enabled event types, and optionally setting
     *                   {@code callsPerMinute} (default: the profile's 250 less a margin of 10)
     */
    public EcwAdapter(Connection connection, AdapterEnvironment env) {
        this(connection, env, new PracticeCallBudget(callsPerMinute(connection),
                Duration.ofMinutes(1).plus(WINDOW_PAD), env.clock()));
    }

    /** With an explicit call budget (e.g. a small test limit). */
    public EcwAdapter(Connection connection, AdapterEnvironment env, PracticeCallBudget budget) {
        super(PROFILE, connection, env, EcwAdapter::practiceBaseUrl, budget::counting, List.of(budget),
                new EcwAnswers(env.clock()));
    }

    /** eCW's FHIR base is per practice: {@code https://fhir4.eclinicalworks.com/fhir/r4/{practice_code}}. */
    static String practiceBaseUrl(Connection c) {
        String base = c.baseUrl().replaceAll("/+$", "");
        if (c.practiceId() == null || base.endsWith("/" + c.practiceId())) {
            return base;
        }
        return base + "/" + c.practiceId();
    }

    private static int callsPerMinute(Connection c) {
        String configured = c.setting("callsPerMinute", null);
        int limit = configured != null ? Integer.parseInt(configured) : PROFILE.rateLimit().callsPerMinute() - MARGIN;
        if (limit <= 0) {
            throw new ChartBridgeException("connection " + c.name() + ": callsPerMinute must be positive");
        }
        return limit;
    }
}
