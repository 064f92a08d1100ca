package dev.chartbridge.app.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications per client address in fixed one-minute windows: past {@code perMinute} failures the
 * address is refused (429) until its window ends, so a key cannot be guessed at hundreds a second and the log is
 * not flooded. Per node (a node only sees its own traffic); behind a reverse proxy every client shares the proxy's
 * address, so the limit then applies to them together. Thread-safe.
 */
final class AuthFailures {
    static final int DEFAULT_PER_MINUTE = 20;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Above this many tracked addresses, ended windows are dropped so memory stays bounded. */
    private static final int SWEEP_ABOVE = 10_000;

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(Instant ends, int failures) {
    }

    AuthFailures(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Seconds until the address may try again, or 0 when it is not throttled. */
    long retryAfterSeconds(String address) {
        Window w = windows.get(address);
        Instant now = clock.instant();
        if (w == null || !w.ends().isAfter(now) || w.failures() < perMinute) {
            return 0;
        }
        return Math.max(1, Duration.between(now, w.ends()).toSeconds());
    }

    /** Counts a failure; returns the failures of the address in its current window, this one included. */
    int record(String address) {
        Instant now = clock.instant();
        if (windows.size() > SWEEP_ABOVE) {
            windows.values().removeIf(w -> !w.ends().isAfter(now));
        }
        return windows.compute(address, (a, w) -> w == null || !w.ends().isAfter(now)
                ? new Window(now.plus(WINDOW), 1) : new Window(w.ends(), w.failures() + 1)).failures();
    }

    int perMinute() {
        return perMinute;
    }
}
