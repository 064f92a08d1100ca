package dev.chartbridge.ehr.advancedmd;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own budget for one AdvancedMD office key, so that it never causes a billed overrun: one sliding
 * 60 s window per {@link ActionTier}, each kept at 90 % of the tier's cap (never below 1), plus the login window. The
 * windows slide, so the budget holds however AdvancedMD aligns its own intervals. Every call taken is counted per
 * tier (Micrometer counter {@code chartbridge.advancedmd.calls}, tag {@code tier}, and {@link #taken}). Thread-safe.
 */
// evidence: amd.limit.tiers, amd.limit.margin, amd.limit.overrun-billed, amd.login.limit
final class CallBudget {
    static final Duration WINDOW = Duration.ofSeconds(60);
    private static final ZoneId MOUNTAIN = ZoneId.of("America/Denver");
    private static final double MARGIN = 0.90;

    private final Integer perMinute;
    private final Duration window;
    private final Clock clock;
    private final Map<ActionTier, Deque<Instant>> sent = new EnumMap<>(ActionTier.class);
    private final Map<ActionTier, AtomicLong> taken = new EnumMap<>(ActionTier.class);
    private final Map<ActionTier, Counter> counters = new EnumMap<>(ActionTier.class);

    /**
     * @param perMinute a contracted limit per tier that replaces the published peak and off-peak caps (logins keep
     *                  theirs); null: the published caps
     * @param window    what {@code perMinute} is counted over
     * @param officeKey tags the metric, so that two practices are told apart
     * @param meters    where the counter is registered
     */
    CallBudget(Integer perMinute, Duration window, Clock clock, String officeKey, MeterRegistry meters) {
        this.perMinute = perMinute;
        this.window = window;
        this.clock = clock;
        for (ActionTier tier : ActionTier.values()) {
            sent.put(tier, new ArrayDeque<>());
            taken.put(tier, new AtomicLong());
            counters.put(tier, Counter.builder("chartbridge.advancedmd.calls")
                    .description("AdvancedMD calls the gateway made, per cost class")
                    .tag("tier", tier.tag()).tag("office", officeKey).register(meters));
        }
    }

    /**
     * Takes one call of {@code tier} if it fits.
     *
     * @return null when taken; otherwise how long until it fits (nothing is taken)
     */
    synchronized Duration tryTake(ActionTier tier) {
        Instant now = clock.instant();
        Duration span = tier == ActionTier.LOGIN || perMinute == null ? WINDOW : window;
        Deque<Instant> calls = sent.get(tier);
        while (!calls.isEmpty() && !calls.peekFirst().plus(span).isAfter(now)) {
            calls.removeFirst();
        }
        if (calls.size() < limit(tier, now)) {
            calls.addLast(now);
            taken.get(tier).incrementAndGet();
            counters.get(tier).increment();
            return null;
        }
        Instant freeAt = calls.stream().skip(Math.max(0, calls.size() - limit(tier, now))).findFirst().orElse(now)
                .plus(span);
        return Duration.between(now, freeAt).plusMillis(50);
    }

    /** How many calls of {@code tier} were taken since this budget was made. */
    long taken(ActionTier tier) {
        return taken.get(tier).get();
    }

    int limit(ActionTier tier, Instant at) {
        int cap = tier != ActionTier.LOGIN && perMinute != null ? perMinute : tier.cap(peak(at));
        return Math.max(1, (int) Math.floor(cap * MARGIN));
    }

    static boolean peak(Instant at) {
        ZonedDateTime t = at.atZone(MOUNTAIN);
        LocalTime time = t.toLocalTime();
        return t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY
                && !time.isBefore(LocalTime.of(6, 0)) && time.isBefore(LocalTime.of(18, 0));
    }
}
