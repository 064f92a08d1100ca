package dev.chartbridge.app.http;

import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.tenant.KeyRole;
import dev.chartbridge.core.tenant.UsedUserTokens;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Who a request comes from: the tenant's API key ({@code Authorization: Bearer}, verified callers cached for at
 * most 30 s), whether its roles allow the route, and the user a signed {@code X-User-Assertion} names (each
 * assertion used once: its {@code jti} is remembered until it expires). Failed authentications are throttled per
 * client address and logged with the key's prefix only. Each check that fails writes its problem (401, 403, 429 or
 * 400) and returns empty. Thread-safe.
 */
final class RequestAuth {
    private static final Logger LOG = LoggerFactory.getLogger(RequestAuth.class);
    private static final long AUTH_CACHE_MS = 30_000;
    private static final String CALLER = "chartbridge.caller";

    private final ApiKeys keys;
    private final Map<String, UserAssertions> users;
    private final UsedUserTokens usedTokens;
    private final AuthFailures failures;
    private final Set<String> tenants;
    private final Map<String, CachedCaller> callers = new ConcurrentHashMap<>();

    /**
     * @param users      per tenant id, how the users its app acts for are verified; a tenant not named takes the
     *                   app's word
     * @param usedTokens where used assertions are remembered; null only where no tenant verifies users
     * @param tenants    the tenants this node serves (its configuration's): keys of others are refused; null: all
     */
    RequestAuth(ApiKeys keys, Map<String, UserAssertions> users, UsedUserTokens usedTokens, AuthFailures failures,
                Set<String> tenants) {
        this.keys = keys;
        this.users = Map.copyOf(users);
        this.usedTokens = usedTokens;
        this.failures = failures;
        this.tenants = tenants == null ? null : Set.copyOf(tenants);
    }

    RequestAuth(ApiKeys keys, Map<String, UserAssertions> users) {
        this(keys, users, null, new AuthFailures(AuthFailures.DEFAULT_PER_MINUTE, Clock.systemUTC()), null);
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
     * problem and returns empty when either fails, when the assertion was used before, or when the tenant requires
     * a verified user and none is sent.
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
        UserAssertions.VerifiedUser user = verification.user();
        if (usedTokens != null && !usedTokens.firstUse(caller.get().tenantId(), user.jti(), user.expiresAt())) {
            LOG.warn("user assertion replayed (key {}, jti seen before)", keyName(caller.get()));
            Responses.problem(ctx, Problem.of(401, "user-unverified", "User not verified",
                    "the user assertion was used before; each request needs a fresh one (a new jti)")
                    .naming(header, "was used before (its jti is not new)"));
            return Optional.empty();
        }
        return Optional.of(new Acting(caller.get(), user));
    }

    /**
     * The caller of a request a {@link RouteTable} route authorized; else authenticates the key now (throttled per
     * client address; failures logged with the key's prefix only).
     */
    Optional<ApiKeys.Caller> authenticate(Context ctx) {
        ApiKeys.Caller authorized = ctx.attribute(CALLER);
        if (authorized != null) {
            return Optional.of(authorized);
        }
        String header = ctx.header("Authorization");
        String address = ctx.req().getRemoteAddr();
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (throttled(ctx, address)) {
                return Optional.empty();
            }
            failed(address, header == null ? "no Authorization header" : "Authorization is not Bearer");
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
            ctx.attribute(CALLER, cached.caller());
            return Optional.of(cached.caller());
        }
        if (throttled(ctx, address)) {
            return Optional.empty();
        }
        // A key of a tenant this node's configuration does not name is not accepted here (a tenant removed from
        // the configuration keeps its rows, not its access).
        Optional<ApiKeys.Caller> caller = keys.authenticate(secret)
                .filter(c -> tenants == null || tenants.contains(c.tenantId()));
        if (caller.isEmpty()) {
            String prefix = ApiKeys.prefixOf(secret);
            failed(address, prefix == null ? "a key without the cbk_<prefix>_ form" : "key " + prefix);
            ctx.header("WWW-Authenticate", "Bearer realm=\"chartbridge\", error=\"invalid_token\"");
            Responses.problem(ctx, Problem.of(401, "unauthenticated", "Unauthenticated",
                    "the API key is not valid, or it expired or was revoked")
                    .naming("header:Authorization", "is not a valid API key"));
            return Optional.empty();
        }
        long until = now + AUTH_CACHE_MS;
        if (caller.get().expiresAt() != null) {
            until = Math.min(until, caller.get().expiresAt().toEpochMilli());
        }
        callers.put(cacheKey, new CachedCaller(caller.get(), until));
        ctx.attribute(CALLER, caller.get());
        return caller;
    }

    /**
     * Authenticates and checks the key holds a role {@code access} names; else writes 403 naming the roles needed.
     * Where the route is open, returns empty without writing anything (and nothing is asked).
     */
    Optional<ApiKeys.Caller> authorize(Context ctx, Access access) {
        if (access.open()) {
            return Optional.empty();
        }
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isPresent() && !access.allows(caller.get().roles())) {
            String held = caller.get().roles().stream().sorted().map(KeyRole::wireName)
                    .collect(Collectors.joining(", "));
            Responses.problem(ctx, Problem.of(403, "role-required", "Role required", "this needs a key with the role "
                    + access.describe().replace(", ", " or ") + "; the key used has " + held)
                    .naming("header:Authorization", "is a key without the role this route needs ("
                            + access.describe() + ")"));
            return Optional.empty();
        }
        return caller;
    }

    /**
     * The actor a read of PHI is audited under (issue #15): the key, followed by the user when the request carries
     * an {@code X-User-Assertion} that verifies. Refuses nothing: whether reads require a user is decided by the
     * route's own check.
     */
    String readerActor(Context ctx, Acting acting) {
        return acting.user() != null ? acting.actor() : keyWithAssertedUser(ctx, acting.caller());
    }

    /** The key, followed by the user of the request's {@code X-User-Assertion} when it verifies. */
    private String keyWithAssertedUser(Context ctx, ApiKeys.Caller caller) {
        UserAssertions verifier = users.get(caller.tenantId());
        String assertion = ctx.header(UserAssertions.HEADER);
        if (verifier == null || assertion == null) {
            return caller.actor();
        }
        UserAssertions.VerifiedUser user = verifier.verify(assertion).user();
        return user == null ? caller.actor() : caller.actor() + " " + user.actor();
    }

    /** Drops a key from this node's cache (after it is revoked here); other nodes drop it within 30 s. */
    void forget(UUID keyId) {
        callers.values().removeIf(c -> c.caller().keyId().equals(keyId));
    }

    private boolean throttled(Context ctx, String address) {
        long retryAfter = failures.retryAfterSeconds(address);
        if (retryAfter == 0) {
            return false;
        }
        ctx.header("Retry-After", String.valueOf(retryAfter));
        Responses.problem(ctx, Problem.of(429, "too-many-failed-authentications", "Too many failed authentications",
                "this address failed to authenticate too often; try again in " + retryAfter + " s")
                .naming("header:Authorization", "failed too often from this address; wait for Retry-After"));
        return true;
    }

    private void failed(String address, String what) {
        int count = failures.record(address);
        if (count < failures.perMinute()) {
            LOG.warn("authentication failed from {}: {} ({} this minute)", address, what, count);
        } else if (count == failures.perMinute()) {
            LOG.warn("authentication failed from {}: {} ({} this minute): further attempts from this address are"
                    + " refused (429) until the minute is over", address, what, count);
        }
    }

    private static String keyName(ApiKeys.Caller caller) {
        return caller.prefix() != null ? caller.prefix() : caller.keyId().toString();
    }
}
