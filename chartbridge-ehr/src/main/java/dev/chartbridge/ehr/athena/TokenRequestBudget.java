package dev.chartbridge.ehr.athena;

import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.IssuedToken;
import dev.chartbridge.ehr.auth.TokenFetcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * athena limits new-token requests per minute (5 in preview, 50 in production): this fetcher asks the token
 * endpoint at most {@code perMinute} times in any minute and otherwise fails at once, transiently, so that the
 * write waits (nothing reached the chart) instead of the gateway running into athena's limit. The caching token
 * source in front keeps one token for its lifetime, so the budget only matters when tokens are refused or a
 * token endpoint misbehaves. Thread-safe.
 */
// evidence: athena.limit.token-requests
final class TokenRequestBudget implements TokenFetcher {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final TokenFetcher fetcher;
    private final int perMinute;
    private final Clock clock;
    private final Deque<Instant> recent = new ArrayDeque<>();

    TokenRequestBudget(TokenFetcher fetcher, int perMinute, Clock clock) {
        this.fetcher = fetcher;
        this.perMinute = Math.max(1, perMinute);
        this.clock = clock;
    }

    @Override
    public synchronized IssuedToken fetch() {
        Instant now = clock.instant();
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(WINDOW))) {
            recent.removeFirst();
        }
        if (recent.size() >= perMinute) {
            throw new AuthException("rate_limited", "athenahealth token requests: " + perMinute
                    + " a minute used up; waiting rather than exceeding athena's limit", true);
        }
        recent.addLast(now);
        return fetcher.fetch();
    }

    /** Token requests made in the last minute. */
    synchronized int inLastMinute() {
        Instant now = clock.instant();
        return (int) recent.stream().filter(t -> t.isAfter(now.minus(WINDOW))).count();
    }
}
