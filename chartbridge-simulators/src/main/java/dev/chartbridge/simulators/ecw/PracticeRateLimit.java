package dev.chartbridge.simulators.ecw;

import dev.chartbridge.simulators.SimulatorStats;
import java.time.Clock;
import java.time.Duration;

/**
 * eCW's rate limit: {@code limit} calls per fixed window (250 per clock minute) per practice base URL,
 * token calls included; above it every call is answered 429, without {@code Retry-After}, until the next
 * window starts ({@code eclinicalworks-rate-limits.yml}). Windows are aligned to the epoch, so a one-minute
 * window starts at the top of each minute. Thread-safe.
 */
public final class PracticeRateLimit {

  /** Counter in {@link SimulatorStats}: calls answered 429 by this limit. */
  public static final String RATE_LIMITED = "rateLimited";

  private final Clock clock;
  private final SimulatorStats stats;
  private volatile int limit;
  private volatile Duration window;
  private long windowIndex = -1;
  private long calls;

  PracticeRateLimit(int limit, Duration window, Clock clock, SimulatorStats stats) {
    configure(limit, window);
    this.clock = clock;
    this.stats = stats;
  }

  /** Changes the limit and window (and starts counting afresh); {@code limit <= 0} turns it off. */
  public synchronized void configure(int limit, Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive");
    }
    this.limit = limit;
    this.window = window;
    this.windowIndex = -1;
  }

  /** Counts one call; false if it is over the limit (the caller answers 429). */
  synchronized boolean admit() {
    long index = clock.millis() / window.toMillis();
    if (index != windowIndex) {
      windowIndex = index;
      calls = 0;
    }
    calls++;
    if (limit > 0 && calls > limit) {
      stats.recordTooManyRequests();
      stats.increment(RATE_LIMITED);
      return false;
    }
    return true;
  }

  /** Calls counted in the current window (refused ones included); 0 once a new window has started. */
  public synchronized long callsInWindow() {
    return clock.millis() / window.toMillis() == windowIndex ? calls : 0;
  }

  public int limit() {
    return limit;
  }

  public Duration window() {
    return window;
  }

  synchronized void reset() {
    windowIndex = -1;
    calls = 0;
  }
}
