package dev.chartbridge.simulators.vendorkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Fixed-window request counting per key (e.g. per client or per office key): windows of {@code window}
 * length aligned to the epoch, so "per minute" means per wall-clock minute. The limit is given per call
 * because some vendors change it with the time of day. Thread-safe.
 */
public final class WindowLimiter {

  private final Clock clock;
  private final Duration window;
  private final Map<String, long[]> counts = new HashMap<>();

  public WindowLimiter(Clock clock, Duration window) {
    this.clock = clock;
    this.window = window;
  }

  /**
   * Counts one request for {@code key} if fewer than {@code limit} were counted in the current window.
   * A refused request is not counted.
   */
  public synchronized Decision acquire(String key, int limit) {
    long windowMs = window.toMillis();
    long start = clock.millis() / windowMs * windowMs;
    long[] slot = counts.computeIfAbsent(key, k -> new long[] {start, 0});
    if (slot[0] != start) {
      slot[0] = start;
      slot[1] = 0;
    }
    Instant reset = Instant.ofEpochMilli(start + windowMs);
    if (slot[1] >= limit) {
      return new Decision(false, 0, reset);
    }
    slot[1]++;
    return new Decision(true, (int) Math.max(0, limit - slot[1]), reset);
  }

  /** Forgets every count. */
  public synchronized void clear() {
    counts.clear();
  }

  /**
   * @param allowed whether the request may go on
   * @param remaining requests left in this window after this one
   * @param resetAt when the window ends
   */
  public record Decision(boolean allowed, int remaining, Instant resetAt) {}
}
