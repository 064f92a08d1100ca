package dev.chartbridge.app.http;

import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a request comes from: the tenant's API key ({@code Authorization: Bearer}, verified callers cached for 30 s),
 * an administrator's key where one is needed, and the user a signed {@code X-User-Assertion} names. Each check
 * that fails writes its problem (401, 403 or 400) and returns empty. Thread-safe.
 */
final class RequestAuth {
    private static final long AUTH_CACHE_MS = 30_000;

    private final ApiKeys keys;
    private final Map<String, UserAssertions> users;
    private final Map<String, CachedCaller> callers = new ConcurrentHashMap<>();

    /**
     * @param users per tenant id, how the users its app acts for are verified; a tenant not named takes the app's
     *              word
     */
    RequestAuth(ApiKeys keys, Map<String, UserAssertions> users) {
        this.keys = keys;
        this.users = Map.copyOf(users);
    }

    private record CachedCaller(ApiKeys.Caller caller, long until) {
    }

    /** Who a request acts for: the tenant's API key, and the user when a signed user assertion verified. */
    record Acting(ApiKeys.Caller caller, UserAssertions.VerifiedUser user) {
        String tenantId() {
            return caller.tenantId();
        }

        /** The actor recorded in audit entries: the key, and the verified user if any. */
        String actor() {
            return user == null ? caller.actor() : caller.actor() + " " + user.actor();
        }
    }

    /**
     * The API key's caller and, when the request carries {@code X-User-Assertion}, the verified user; writes the
     * problem and returns empty when either fails, or when the tenant requires a verified user and none is sent.
     */
    Optional<Acting> acting(Context ctx) {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        UserAssertions verifier = users.get(caller.get().tenantId());
        String assertion = ctx.header(UserAssertions.HEADER);
        String header = "header:" + UserAssertions.HEADER;
        if (assertion == null) {
            if (verifier != null && verifier.required()) {
                Responses.problem(ctx, Problem.of(401, "user-unverified", "User not verified",
                        "this tenant acts only for users its identity provider vouches for")
                        .naming(header, "is required: a JWT from the tenant's identity provider naming the user"));
                return Optional.empty();
            }
            return Optional.of(new Acting(caller.get(), null));
        }
        if (verifier == null) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", List.of(new FieldError(
                    header, "cannot be verified: no identity provider is configured for this tenant"))));
            return Optional.empty();
        }
        UserAssertions.Verification verification = verifier.verify(assertion);
        if (verification.user() == null) {
            Responses.problem(ctx, Problem.of(401, "user-unverified", "User not verified", "the user assertion "
                    + verification.refusal()).naming(header, verification.refusal()));
            return Optional.empty();
        }
        return Optional.of(new Acting(caller.get(), verification.user()));
    }

    Optional<ApiKeys.Caller> authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"chartbridge\"");
            Responses.problem(ctx, Problem.of(401, "unauthenticated", "Unauthenticated",
                    "send the tenant's API key as Authorization: Bearer <key>")
                    .naming("header:Authorization", "must be Bearer followed by the tenant's API key"));
            return Optional.empty();
        }
        String secret = header.substring(7).trim();
        String cacheKey = Json.sha256(secret);
        CachedCaller cached = callers.get(cacheKey);
        long now = System.currentTimeMillis();
        if (cached != null && cached.until() > now) {
            return Optional.of(cached.caller());
        }
        Optional<ApiKeys.Caller> caller = keys.authenticate(secret);
        if (caller.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"chartbridge\", error=\"invalid_token\"");
            Responses.problem(ctx, Problem.of(401, "unauthenticated", "Unauthenticated", "the API key is not valid")
                    .naming("header:Authorization", "is not a valid API key"));
            return Optional.empty();
        }
        callers.put(cacheKey, new CachedCaller(caller.get(), now + AUTH_CACHE_MS));
        return caller;
    }

    /**
     * The actor a read of PHI is audited under (issue #15): the key, followed by the user when the request carries
     * an {@code X-User-Assertion} that verifies. Refuses nothing: whether reads require a user is decided by the
     * route's own check.
     */
    String readerActor(Context ctx, ApiKeys.Caller caller) {
        UserAssertions verifier = users.get(caller.tenantId());
        String assertion = ctx.header(UserAssertions.HEADER);
        if (verifier == null || assertion == null) {
            return caller.actor();
        }
        UserAssertions.VerifiedUser user = verifier.verify(assertion).user();
        return user == null ? caller.actor() : caller.actor() + " " + user.actor();
    }

    /** As {@link #authenticate}, and the key must be an administrator's (else 403). */
    Optional<ApiKeys.Caller> authenticateAdmin(Context ctx) {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isPresent() && !caller.get().admin()) {
            Responses.problem(ctx, Problem.of(403, "admin-required", "Administrator key required",
                    "this needs an administrator's API key of the tenant")
                    .naming("header:Authorization", "is not an administrator's key"));
            return Optional.empty();
        }
        return caller;
    }
}
