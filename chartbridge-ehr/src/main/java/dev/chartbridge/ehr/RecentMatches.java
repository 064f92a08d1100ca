package dev.chartbridge.ehr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lookups an adapter reuses for a while (a patient or an encounter matched in the EHR): a value is served until its
 * time is up, and entries whose time is up are dropped as new ones come, so a node that meets millions of patients
 * over months holds only those of the last few minutes. A purge runs when the map has doubled since the last one
 * (at least {@value #FIRST_PURGE} entries), so its cost per remembered lookup stays constant. Thread-safe.
 *
 * @param <V> what a lookup found
 */
public final class RecentMatches<V> {
    /** The size at which the first purge runs. */
    static final int FIRST_PURGE = 10_000;

    private record Entry<V>(V value, Instant expires) {
    }

    private final Clock clock;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private volatile int purgeAbove = FIRST_PURGE;

    public RecentMatches(Clock clock) {
        this.clock = clock;
    }

    /** What was remembered under {@code key}, or null when nothing is, or its time is up. */
    public V get(String key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!e.expires().isAfter(clock.instant())) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }

    /** Remembers {@code value} under {@code key} for {@code ttl}; returns it. */
    public V put(String key, V value, Duration ttl) {
        Instant now = clock.instant();
        if (entries.size() > purgeAbove) {
            purge(now);
        }
        entries.put(key, new Entry<>(value, now.plus(ttl)));
        return value;
    }

    private synchronized void purge(Instant now) {
        if (entries.size() <= purgeAbove) {
            return; // another thread purged meanwhile
        }
        entries.values().removeIf(e -> !e.expires().isAfter(now));
        purgeAbove = Math.max(FIRST_PURGE, 2 * entries.size());
    }

    /** How many entries are held, live or not yet purged. */
    int size() {
        return entries.size();
    }
}
