package dev.chartbridge.simulators.athena;

/**
 * athenahealth's two environments and their limits, from athenahealth-rate-limits.yml (figures the file
 * itself flags as unverified): new-token requests per minute, API calls per second and per day. Preview's
 * API limits are given there only as "lower than production, 5-20 calls/second": 20/s and 50,000/day here
 * are the simulator's choice.
 */
// evidence: athena.limit.token-requests, athena.limit.api-calls
public enum AthenaEnvironment {
  PREVIEW(5, 20, 50_000),
  PRODUCTION(50, 100, 500_000);

  private final int tokensPerMinute;
  private final int callsPerSecond;
  private final int callsPerDay;

  AthenaEnvironment(int tokensPerMinute, int callsPerSecond, int callsPerDay) {
    this.tokensPerMinute = tokensPerMinute;
    this.callsPerSecond = callsPerSecond;
    this.callsPerDay = callsPerDay;
  }

  public int tokensPerMinute() {
    return tokensPerMinute;
  }

  public int callsPerSecond() {
    return callsPerSecond;
  }

  public int callsPerDay() {
    return callsPerDay;
  }
}
