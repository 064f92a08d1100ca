package dev.chartbridge.app.console;

import dev.chartbridge.core.tenant.ApiKeys;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's signed-in operators: a random session token (the HttpOnly cookie's value) per sign-in, each with
 * the tenant key that signed in, the operator's name and a CSRF token that every form posts back. Sessions live in
 * this node's memory only (a restart signs everyone out; behind a load balancer, pin the console to one node) and
 * end after {@link #IDLE} without a request or {@link #MAX_AGE} after sign-in. Thread-safe.
 */
final class ConsoleSessions {
    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration MAX_AGE = Duration.ofHours(8);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One signed-in operator. The key's secret is never kept, only who it is. */
    record Session(String token, String csrf, ApiKeys.Caller caller, String operator, Instant started,
                   Instant lastSeen) {
        String tenantId() {
            return caller.tenantId();
        }

        /** The actor recorded in audit entries: the key, and the operator who signed in with it. */
        String actor() {
            return caller.actor() + " console:" + operator;
        }

        boolean csrfMatches(String posted) {
            return posted != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    posted.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    Session open(ApiKeys.Caller caller, String operator) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
        Session s = new Session(random(), random(), caller, operator, now, now);
        sessions.put(s.token(), s);
        return s;
    }

    /** The live session of this token, touched; empty when unknown or expired (then forgotten). */
    Optional<Session> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session s = sessions.get(token);
        if (s == null || expired(s, now)) {
            if (s != null) {
                sessions.remove(token);
            }
            return Optional.empty();
        }
        Session touched = new Session(s.token(), s.csrf(), s.caller(), s.operator(), s.started(), now);
        sessions.put(token, touched);
        return Optional.of(touched);
    }

    /** Whether this token names a session that has not been closed or swept (it may have expired since). */
    boolean holds(String token) {
        return sessions.containsKey(token);
    }

    void close(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    private static boolean expired(Session s, Instant now) {
        return now.isAfter(s.lastSeen().plus(IDLE)) || now.isAfter(s.started().plus(MAX_AGE));
    }

    /** 256 random bits, base64url. */
    static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
