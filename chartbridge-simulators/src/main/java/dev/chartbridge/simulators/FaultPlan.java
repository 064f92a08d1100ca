package dev.chartbridge.simulators;

import java.util.List;
import java.util.Map;

/**
 * An immutable set of fault settings; {@code null} components mean "fault off". This record is also the
 * JSON body of {@code POST /_sim/faults} (which replaces the whole plan) and the answer of {@code GET /_sim/faults}.
 *
 * @param latency delay before the request is handled
 * @param errorRate 500/503 answered without processing
 * @param tooManyRequestsRate 429 answered without processing
 * @param commitThenTimeout write stored, connection held {@code hangMs} then dropped without a response
 * @param commitThenReset write stored, connection reset without a response
 * @param resetBeforeCommit connection reset, nothing processed
 * @param dropFields resource type to the names of top-level fields removed from what is stored
 */
public record FaultPlan(
    Latency latency,
    Failure errorRate,
    Failure tooManyRequestsRate,
    LostResponse commitThenTimeout,
    LostResponse commitThenReset,
    Reset resetBeforeCommit,
    Map<String, List<String>> dropFields) {

  /** The plan with every fault off. */
  public static final FaultPlan NONE = new FaultPlan(null, null, null, null, null, null, Map.of());

  public FaultPlan {
    dropFields = dropFields == null ? Map.of() : Map.copyOf(dropFields);
  }

  /** Returns this plan with each non-null component of {@code patch} replacing the current one. */
  public FaultPlan merge(FaultPlan patch) {
    return new FaultPlan(
        patch.latency != null ? patch.latency : latency,
        patch.errorRate != null ? patch.errorRate : errorRate,
        patch.tooManyRequestsRate != null ? patch.tooManyRequestsRate : tooManyRequestsRate,
        patch.commitThenTimeout != null ? patch.commitThenTimeout : commitThenTimeout,
        patch.commitThenReset != null ? patch.commitThenReset : commitThenReset,
        patch.resetBeforeCommit != null ? patch.resetBeforeCommit : resetBeforeCommit,
        patch.dropFields.isEmpty() ? dropFields : patch.dropFields);
  }

  /** This plan with {@code latency} replaced; {@code null} turns that fault off. */
  public FaultPlan withLatency(Latency v) {
    return new FaultPlan(v, errorRate, tooManyRequestsRate, commitThenTimeout, commitThenReset, resetBeforeCommit, dropFields);
  }

  /** This plan with {@code errorRate} replaced; {@code null} turns that fault off. */
  public FaultPlan withErrorRate(Failure v) {
    return new FaultPlan(latency, v, tooManyRequestsRate, commitThenTimeout, commitThenReset, resetBeforeCommit, dropFields);
  }

  /** This plan with {@code tooManyRequestsRate} replaced; {@code null} turns that fault off. */
  public FaultPlan withTooManyRequestsRate(Failure v) {
    return new FaultPlan(latency, errorRate, v, commitThenTimeout, commitThenReset, resetBeforeCommit, dropFields);
  }

  /** This plan with {@code commitThenTimeout} replaced; {@code null} turns that fault off. */
  public FaultPlan withCommitThenTimeout(LostResponse v) {
    return new FaultPlan(latency, errorRate, tooManyRequestsRate, v, commitThenReset, resetBeforeCommit, dropFields);
  }

  /** This plan with {@code commitThenReset} replaced; {@code null} turns that fault off. */
  public FaultPlan withCommitThenReset(LostResponse v) {
    return new FaultPlan(latency, errorRate, tooManyRequestsRate, commitThenTimeout, v, resetBeforeCommit, dropFields);
  }

  /** This plan with {@code resetBeforeCommit} replaced; {@code null} turns that fault off. */
  public FaultPlan withResetBeforeCommit(Reset v) {
    return new FaultPlan(latency, errorRate, tooManyRequestsRate, commitThenTimeout, commitThenReset, v, dropFields);
  }

  /** This plan with {@code dropFields} replaced; {@code null} turns that fault off. */
  public FaultPlan withDropFields(Map<String, List<String>> v) {
    return new FaultPlan(latency, errorRate, tooManyRequestsRate, commitThenTimeout, commitThenReset, resetBeforeCommit, v);
  }

  /**
   * A delay, uniform in {@code minMs..maxMs} (equal for a fixed delay).
   *
   * @param writesOnly apply to POST/PUT only
   */
  public record Latency(long minMs, long maxMs, boolean writesOnly) {
    public Latency {
      if (minMs < 0 || maxMs < minMs) {
        throw new IllegalArgumentException("latency needs 0 <= minMs <= maxMs, got " + minMs + ".." + maxMs);
      }
    }
  }

  /**
   * An HTTP error answered instead of processing the request.
   *
   * @param status 500 or 503 (0 means 503); ignored for {@code tooManyRequestsRate}, which is always 429
   * @param retryAfterSeconds value of the {@code Retry-After} header, or {@code null} for none
   * @param writesOnly apply to POST/PUT only
   */
  public record Failure(double probability, int status, Integer retryAfterSeconds, boolean writesOnly) {
    public Failure {
      checkProbability(probability);
      status = status == 0 ? 503 : status;
    }
  }

  /**
   * A write that is stored but whose response is lost. Applies to writes (POST/PUT) only: reads made to
   * reconcile the lost write must keep working.
   *
   * @param hangMs how long the connection is held before it is dropped (ignored for a reset)
   */
  public record LostResponse(double probability, long hangMs) {
    /** Hang used when {@code hangMs} is not given (0). */
    public static final long DEFAULT_HANG_MS = 30_000;

    public LostResponse {
      checkProbability(probability);
      hangMs = hangMs <= 0 ? DEFAULT_HANG_MS : hangMs;
    }
  }

  /**
   * A connection reset before anything is processed.
   *
   * @param writesOnly apply to POST/PUT only
   */
  public record Reset(double probability, boolean writesOnly) {
    public Reset {
      checkProbability(probability);
    }
  }

  private static void checkProbability(double p) {
    if (p < 0 || p > 1) {
      throw new IllegalArgumentException("probability must be within 0..1, got " + p);
    }
  }
}
