package dev.chartbridge.core.delivery;

/**
 * A token bucket of EHR reads for one target on one node: {@code perMinute} tokens a minute, at most a tenth of
 * a minute's worth (and at least one) saved up, so a quiet spell never turns into a burst. Thread-safe.
 */
final class ReadBudget {
    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long last;

    ReadBudget(int perMinute) {
        this.perMilli = Math.max(0, perMinute) / 60_000.0;
        this.capacity = Math.max(1, perMinute / 10.0);
        this.tokens = perMinute > 0 ? 1 : 0;
        this.last = System.nanoTime();
    }

    /** Takes up to {@code max} whole tokens; returns how many it took. */
    synchronized int take(int max) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1_000_000.0 * perMilli);
        last = now;
        int taken = (int) Math.min(max, Math.floor(tokens));
        tokens -= taken;
        return taken;
    }

    /** Returns tokens taken but not spent. */
    synchronized void giveBack(int unused) {
        tokens = Math.min(capacity, tokens + unused);
    }
}
