package dev.chartbridge.simulators;

/** The kinds of fault a simulator can inject; used as keys of the fault counters. */
public enum FaultKind {
  /** The answer was delayed. */
  LATENCY,
  /** A 500 or 503 was answered without processing the request. */
  ERROR,
  /** A 429 was answered without processing the request. */
  TOO_MANY_REQUESTS,
  /** A write was stored, then the connection was held and dropped without a response. */
  COMMIT_THEN_TIMEOUT,
  /** A write was stored, then the connection was reset without a response. */
  COMMIT_THEN_RESET,
  /** The connection was reset before anything was processed. */
  RESET_BEFORE_COMMIT,
  /** Fields were silently removed from a stored resource. */
  DROP_FIELDS,
  /** "Another user" updated a stored resource. */
  CONCURRENT_EDIT
}
