package dev.chartbridge.ehr.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Caches one credential per connection and refreshes it a margin before it expires. Refreshes are single
 * flight: concurrent callers wait for the one fetch in progress instead of each asking the vendor (whose token
 * endpoints are rate limited, and at eCW count against the API quota).
 *
 * <p>A failed fetch is remembered for the connection: until a backoff window ends, every caller gets the same
 * {@link AuthException} without the vendor being asked again, so a revoked client or a token endpoint that is
 * down costs one token request per window per connection, not one per queued write. Each failure in a row doubles
 * the window (from {@code firstWait} up to {@code maxWait}, with equal jitter: a random length in [w/2, w]); a
 * fetch that succeeds ends the memory. Thread-safe.
 */
public final class CachingTokenSource implements TokenSource {
    /** Defaults: first window about 2 s, then 4, 8 ... up to about 5 min. */
    public static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final TokenFetcher fetcher;
    private final Duration margin;
    private final Clock clock;
    private final Duration firstWait;
    private final Duration maxWait;
    private IssuedToken current;
    private long fetches;
    private AuthException failure;
    private Instant failedUntil = Instant.MIN;
    private int failuresInARow;
    private volatile TokenMetrics metrics = TokenMetrics.NONE;

    public CachingTokenSource(TokenFetcher fetcher, Duration margin, Clock clock, Duration firstWait,
                              Duration maxWait) {
        this.fetcher = fetcher;
        this.margin = margin;
        this.clock = clock;
        this.firstWait = firstWait;
        this.maxWait = maxWait;
    }

    public CachingTokenSource(TokenFetcher fetcher, Duration margin, Clock clock) {
        this(fetcher, margin, clock, FIRST_WAIT, MAX_WAIT);
    }

    public CachingTokenSource(TokenFetcher fetcher) {
        this(fetcher, Duration.ofSeconds(60), Clock.systemUTC());
    }

    /**
     * @throws AuthException the fetch failed, now or (remembered) earlier in the current backoff window
     */
    @Override
    public synchronized String token() {
        if (current == null || !current.expiresAt().isAfter(clock.instant().plus(margin))) {
            if (failure != null && clock.instant().isBefore(failedUntil)) {
                throw failure;
            }
            try {
                fetches++;
                current = fetcher.fetch();
                metrics.issued();
            } catch (AuthException e) {
                metrics.failed();
                remember(e);
                throw e;
            } catch (RuntimeException e) {
                metrics.failed();
                throw e;
            }
            failure = null;
            failuresInARow = 0;
        }
        return current.value();
    }

    private void remember(AuthException e) {
        failuresInARow++;
        long ceiling = failuresInARow >= 30 ? maxWait.toMillis()
                : Math.min(maxWait.toMillis(), firstWait.toMillis() << (failuresInARow - 1));
        long half = ceiling / 2;
        failure = e;
        failedUntil = clock.instant().plusMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    @Override
    public synchronized void refused(String token) {
        if (current != null && current.value().equals(token)) {
            current = null;
        }
    }

    /** The scope the current credential was granted with (see {@link IssuedToken#grantedScope()}); null if none. */
    public synchronized String grantedScope() {
        return current == null ? null : current.grantedScope();
    }

    /** Counts each request to the vendor from now on by its outcome; returns this source. */
    public CachingTokenSource countedBy(TokenMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** How many times the vendor was asked for a credential. */
    public synchronized long fetches() {
        return fetches;
    }

    /** When the remembered failure stops being answered for the vendor; null when none is remembered. */
    public synchronized Instant failedUntil() {
        return failure == null ? null : failedUntil;
    }
}
