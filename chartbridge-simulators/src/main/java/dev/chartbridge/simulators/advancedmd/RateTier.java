package dev.chartbridge.simulators.advancedmd;

import java.util.Locale;

/**
 * AdvancedMD's cost classes: calls allowed per office key and 60-second window in peak hours (Mon-Fri 06:00-18:00
 * America/Denver) and off-peak, per class of action; an overrun is billed per excess call, not refused. Source:
 * orlando-derm/advancedmd-connector docs/CONNECTOR_DECISIONS.md D14 (citing AdvancedMD's "API Usage
 * Restrictions") and connector/clock.py; the EHR actions' class is the reference client's policy files' (tier 2),
 * played as tier 1 in strict mode because the sources disagree.
 */
// evidence: amd.limit.tiers, amd.limit.action-tiers, amd.limit.ehr-action-tier
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

  /** Calls allowed per 60-second window. */
  public int limit(boolean peakHours) {
    return peakHours ? peak : offPeak;
  }

  /** The class of {@code action}; {@code strict} plays the EHR writes in tier 1. */
  public static RateTier of(String action, boolean strict) {
    String a = action.toLowerCase(Locale.ROOT);
    if (a.startsWith("getupdated") || strict && (a.startsWith("addehr") || a.startsWith("updateehr"))) {
      return TIER_1;
    }
    if (a.startsWith("lookup")) {
      return TIER_3;
    }
    return switch (a) {
      case "getdemographic", "getdatevisits", "gettxhistory", "getappts", "savecharges", "updvisitwithnewcharges",
           "getpaymentdetaildata", "getpatientvisits", "getehrnotes", "getehrproblems", "addehrnote",
           "addehrnotebyvisit", "addehrproblem" -> TIER_2;
      default -> TIER_3;
    };
  }
}
