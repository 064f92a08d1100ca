package dev.chartbridge.simulators.advancedmd;

/**
 * AdvancedMD's per-office-key request tiers: requests allowed per 60-second window in peak hours
 * (Mon-Fri 06:00-18:00 America/Denver) and off-peak. Source: ehr-vendors.md (AdvancedMD, from
 * orlando-derm/advancedmd-connector CONNECTOR_DECISIONS.md); AdvancedMD itself publishes no numbers.
 */
public enum RateTier {
  TIER_1(1, 60),
  TIER_2(12, 120),
  TIER_3(24, 120);

  private final int peak;
  private final int offPeak;

  RateTier(int peak, int offPeak) {
    this.peak = peak;
    this.offPeak = offPeak;
  }

  /** Requests allowed per 60-second window. */
  public int limit(boolean peakHours) {
    return peakHours ? peak : offPeak;
  }
}
