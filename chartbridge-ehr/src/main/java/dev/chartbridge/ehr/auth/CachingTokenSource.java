package dev.chartbridge.ehr.auth;

import java.time.Clock;
import java.time.Duration;

/**
 * Caches one credential per connection and refreshes it a margin before it expires. Refreshes are single
 * flight: concurrent callers wait for the one fetch in progress instead of each asking the vendor (whose token
 * endpoints are rate limited, and at eCW count against the API quota). Thread-safe.
 */
public final class CachingTokenSource implements TokenSource {
    private final TokenFetcher fetcher;
    private final Duration margin;
    private final Clock clock;
    private IssuedToken current;
    private long fetches;

    public CachingTokenSource(TokenFetcher fetcher, Duration margin, Clock clock) {
        this.fetcher = fetcher;
        this.margin = margin;
        this.clock = clock;
    }

    public CachingTokenSource(TokenFetcher fetcher) {
        this(fetcher, Duration.ofSeconds(60), Clock.systemUTC());
    }

    @Override
    public synchronized String token() {
        if (current == null || !current.expiresAt().isAfter(clock.instant().plus(margin))) {
            current = fetcher.fetch();
            fetches++;
        }
        return current.value();
    }

    @Override
    public synchronized void refused(String token) {
        if (current != null && current.value().equals(token)) {
            current = null;
        }
    }

    /** How many times the vendor was asked for a credential. */
    public synchronized long fetches() {
        return fetches;
    }
}
