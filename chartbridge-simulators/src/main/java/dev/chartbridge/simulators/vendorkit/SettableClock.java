package dev.chartbridge.simulators.vendorkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests can move: token and session lifetimes, rate-limit windows and peak hours all read it.
 * Thread-safe.
 */
public final class SettableClock extends Clock {

  private volatile Instant now;
  private final ZoneId zone;

  public SettableClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private SettableClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** Moves the clock forward by {@code duration}. */
  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new SettableClock(now, zone);
  }

  @Override
  public Instant instant() {
    return now;
  }
}
