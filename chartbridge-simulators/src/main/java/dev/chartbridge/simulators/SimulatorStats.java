package dev.chartbridge.simulators;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters of one simulator: what the gateway sent and which faults it met. Served as JSON by
 * {@code GET /_sim/stats}. This class is thread-safe; reads are a consistent-enough view for tests that
 * wait for their requests to finish before asserting.
 */
public final class SimulatorStats {

  private final LongAdder requests = new LongAdder();
  private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byResourceType = new ConcurrentHashMap<>();
  private final LongAdder creates = new LongAdder();
  private final LongAdder updates = new LongAdder();
  private final Map<FaultKind, LongAdder> faults = new ConcurrentHashMap<>();
  private final LongAdder limited = new LongAdder();
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  /** Counts one API request; {@code resourceType} may be null (e.g. {@code /metadata}). */
  public void recordRequest(String method, String resourceType) {
    requests.increment();
    byMethod.computeIfAbsent(method, k -> new LongAdder()).increment();
    if (resourceType != null) {
      byResourceType.computeIfAbsent(resourceType, k -> new LongAdder()).increment();
    }
  }

  /** Counts one stored create. */
  public void recordCreate() {
    creates.increment();
  }

  /** Counts one stored update. */
  public void recordUpdate() {
    updates.increment();
  }

  /** Counts one injected fault. */
  public void recordFault(FaultKind kind) {
    faults.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Counts one 429 answered by a simulated vendor rate limit (not an injected fault). */
  public void recordTooManyRequests() {
    limited.increment();
  }

  /**
   * Counts one event of a simulator-specific kind, e.g. {@code tokenRequests}; served under
   * {@code counters} in {@link #toMap()}.
   */
  public void increment(String counter) {
    counters.computeIfAbsent(counter, k -> new LongAdder()).increment();
  }

  /** How many times {@link #increment(String)} counted {@code counter}. */
  public long count(String counter) {
    return sum(counters.get(counter));
  }

  /** API requests received, faulted ones included. */
  public long requests() {
    return requests.sum();
  }

  /** API requests received with HTTP {@code method}. */
  public long requests(String method) {
    return sum(byMethod.get(method));
  }

  /** API requests whose path starts with {@code resourceType}. */
  public long requestsForType(String resourceType) {
    return sum(byResourceType.get(resourceType));
  }

  /** Resources stored by a create (or an update-as-create). */
  public long creates() {
    return creates.sum();
  }

  /** New versions stored by an update. */
  public long updates() {
    return updates.sum();
  }

  /** Faults of {@code kind} injected. */
  public long faults(FaultKind kind) {
    return sum(faults.get(kind));
  }

  /** 429 answers issued: injected ({@code faults(TOO_MANY_REQUESTS)}) plus those of a vendor rate limit. */
  public long tooManyRequestsIssued() {
    return faults(FaultKind.TOO_MANY_REQUESTS) + limited.sum();
  }

  /** Zeroes every counter. */
  public void reset() {
    requests.reset();
    byMethod.clear();
    byResourceType.clear();
    creates.reset();
    updates.reset();
    faults.clear();
    limited.reset();
    counters.clear();
  }

  /** A snapshot as nested maps, in a stable order, for JSON. */
  public Map<String, Object> toMap() {
    Map<FaultKind, Long> faultCounts = new EnumMap<>(FaultKind.class);
    faults.forEach((k, v) -> faultCounts.put(k, v.sum()));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("requests", requests());
    map.put("requestsByMethod", sums(byMethod));
    map.put("requestsByResourceType", sums(byResourceType));
    map.put("creates", creates());
    map.put("updates", updates());
    map.put("faultsInjected", faultCounts);
    map.put("tooManyRequestsIssued", tooManyRequestsIssued());
    if (!counters.isEmpty()) {
      map.put("counters", sums(counters));
    }
    return map;
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static long sum(LongAdder adder) {
    return adder == null ? 0 : adder.sum();
  }
}
