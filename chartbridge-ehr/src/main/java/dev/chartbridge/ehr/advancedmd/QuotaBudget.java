package dev.chartbridge.ehr.advancedmd;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The gateway's own throttle for one AdvancedMD office key, so that it causes no 429 QuotaViolation: at most the
 * tier's limit of requests (logins included, as AdvancedMD counts them) in any 60 seconds. The window slides, so
 * the budget holds however AdvancedMD aligns its own windows and whatever the clock skew between us. Peak hours
 * are Mon-Fri 06:00-18:00 America/Denver. Thread-safe.
 */
final class QuotaBudget {
    static final Duration WINDOW = Duration.ofSeconds(60);
    private static final ZoneId MOUNTAIN = ZoneId.of("America/Denver");
    private static final int[][] TIERS = {{1, 60}, {12, 120}, {24, 120}};

    private final int tier;
    private final Integer perMinute;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> sent = new ArrayDeque<>();

    /**
     * @param perMinute a contracted limit that replaces the tier's peak and off-peak numbers; null: the tier's
     * @param window    what {@code perMinute} is counted over ({@link #WINDOW} unless the contract says otherwise)
     */
    QuotaBudget(int tier, Integer perMinute, Duration window, Clock clock) {
        this.tier = tier;
        this.perMinute = perMinute;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Takes {@code permits} requests from the budget if they fit.
     *
     * @return null when taken; otherwise how long until they fit (nothing is taken)
     */
    synchronized Duration tryTake(int permits) {
        Instant now = clock.instant();
        while (!sent.isEmpty() && !sent.peekFirst().plus(window).isAfter(now)) {
            sent.removeFirst();
        }
        int limit = limit(now);
        if (permits > limit) {
            return untilOffPeak(now);
        }
        if (sent.size() + permits <= limit) {
            for (int i = 0; i < permits; i++) {
                sent.addLast(now);
            }
            return null;
        }
        Instant freeAt = sent.stream().skip(sent.size() + permits - limit - 1L).findFirst().orElse(now)
                .plus(window);
        return Duration.between(now, freeAt).plusMillis(50);
    }

    int limit(Instant at) {
        return perMinute != null ? perMinute : TIERS[tier - 1][peak(at) ? 0 : 1];
    }

    static boolean peak(Instant at) {
        ZonedDateTime t = at.atZone(MOUNTAIN);
        LocalTime time = t.toLocalTime();
        return t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY
                && !time.isBefore(LocalTime.of(6, 0)) && time.isBefore(LocalTime.of(18, 0));
    }

    /** A tier 1 login (two requests) never fits a peak window of one request: wait for off-peak. */
    private static Duration untilOffPeak(Instant now) {
        ZonedDateTime t = now.atZone(MOUNTAIN);
        ZonedDateTime evening = t.toLocalDate().atTime(18, 0).atZone(MOUNTAIN);
        return Duration.between(now, evening.isAfter(t) ? evening.toInstant() : now.plus(WINDOW));
    }
}
