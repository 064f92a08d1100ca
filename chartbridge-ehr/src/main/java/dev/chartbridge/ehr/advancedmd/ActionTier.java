package dev.chartbridge.ehr.advancedmd;

import java.util.Locale;

/**
 * AdvancedMD's cost classes. Limits are per office key, per action class, counted over 60 s, with peak hours
 * Mon-Fri 06:00-18:00 America/Denver; an overrun is billed per excess call, not refused. Logins have a budget of
 * their own. {@link #of(String)} classes an action; for the EHR actions the sources disagree (see the ledger), so
 * writes are budgeted in the most restrictive class and EHR reads in the stricter of the classes the sources name.
 */
// evidence: amd.limit.tiers, amd.limit.action-tiers, amd.limit.ehr-action-tier, amd.login.limit
enum ActionTier {
    TIER_1(1, 60),
    TIER_2(12, 120),
    TIER_3(24, 120),
    /** About one login per 60 s per account, at any hour; a partner login and its redirect count once. */
    LOGIN(1, 1);

    private final int peak;
    private final int offPeak;

    ActionTier(int peak, int offPeak) {
        this.peak = peak;
        this.offPeak = offPeak;
    }

    /** The published cap per 60 s. */
    int cap(boolean peakHours) {
        return peakHours ? peak : offPeak;
    }

    /** The metric tag: {@code 1}, {@code 2}, {@code 3} or {@code login}. */
    String tag() {
        return this == LOGIN ? "login" : Integer.toString(ordinal() + 1);
    }

    static ActionTier of(String action) {
        String a = action.toLowerCase(Locale.ROOT);
        if (a.equals("login")) {
            return LOGIN;
        }
        if (a.startsWith("getupdated") || a.startsWith("addehr") || a.startsWith("updateehr")) {
            return TIER_1;
        }
        if (a.startsWith("lookup")) {
            return TIER_3;
        }
        return switch (a) {
            case "getdemographic", "getdatevisits", "gettxhistory", "getappts", "savecharges",
                 "updvisitwithnewcharges", "getpaymentdetaildata", "getpatientvisits", "getehrnotes",
                 "getehrproblems" -> TIER_2;
            default -> TIER_3;
        };
    }
}
