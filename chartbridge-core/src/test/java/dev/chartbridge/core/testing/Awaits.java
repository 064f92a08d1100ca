package dev.chartbridge.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition instead of sleeping a fixed time. */
public final class Awaits {
    private Awaits() {
    }

    /** Returns as soon as {@code condition} holds; fails after {@code limit} (a bound, never the expected time). */
    public static void until(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not " + what + " after " + limit);
            }
            // Polls every 5 ms: the condition is checked again, not assumed after a pause.
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }
}
