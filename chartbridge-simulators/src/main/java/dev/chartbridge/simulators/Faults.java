package dev.chartbridge.simulators;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The faults a simulator injects into its API traffic, changeable while it runs. Each setter replaces that
 * one fault and keeps the others; {@link #clear()} turns all off. Random decisions come from a
 * {@link Random} that {@link #seed(long)} makes repeatable.
 *
 * <p>This class is thread-safe; a change applies to requests that start after it. Setters throw
 * {@link IllegalArgumentException} for a probability outside 0..1 or a negative or inverted latency range.
 */
public final class Faults {

  /** Seed used at construction and by {@link #clear()}. */
  public static final long DEFAULT_SEED = 42L;

  private final ConcurrentEditor editor;
  private volatile FaultPlan plan = FaultPlan.NONE;
  private volatile Random random = new Random(DEFAULT_SEED);

  /** @param editor how this simulator performs {@link #concurrentEdit(String)} */
  public Faults(ConcurrentEditor editor) {
    this.editor = editor;
  }

  /** The current settings. */
  public FaultPlan plan() {
    return plan;
  }

  /** Replaces the whole plan (what {@code POST /_sim/faults} does); the random sequence goes on. */
  public Faults set(FaultPlan plan) {
    return update(current -> Objects.requireNonNull(plan, "plan"));
  }

  /** Replaces the components that {@code patch} sets (non-null) and keeps the rest. */
  public Faults apply(FaultPlan patch) {
    return update(current -> current.merge(patch));
  }

  /** Delays every request by {@code ms}. */
  public Faults latency(long ms) {
    return latency(ms, ms, false);
  }

  /** Delays requests by a uniform random time in {@code minMs..maxMs}. */
  public Faults latency(long minMs, long maxMs, boolean writesOnly) {
    return update(current -> current.withLatency(new FaultPlan.Latency(minMs, maxMs, writesOnly)));
  }

  /** Answers {@code status} (500 or 503) with probability {@code p}, without processing the request. */
  public Faults errorRate(double p, int status, Integer retryAfterSeconds, boolean writesOnly) {
    return update(current -> current.withErrorRate(new FaultPlan.Failure(p, status, retryAfterSeconds, writesOnly)));
  }

  /** Answers 429 with probability {@code p}, without processing the request. */
  public Faults tooManyRequestsRate(double p, Integer retryAfterSeconds, boolean writesOnly) {
    return update(current -> current.withTooManyRequestsRate(new FaultPlan.Failure(p, 429, retryAfterSeconds, writesOnly)));
  }

  /** Stores a write, then holds the connection {@code hangMs} and drops it without a response. */
  public Faults commitThenTimeout(double p, long hangMs) {
    return update(current -> current.withCommitThenTimeout(new FaultPlan.LostResponse(p, hangMs)));
  }

  /** Stores a write, then resets the connection without a response. */
  public Faults commitThenReset(double p) {
    return update(current -> current.withCommitThenReset(new FaultPlan.LostResponse(p, 0)));
  }

  /** Resets the connection without processing anything. */
  public Faults resetBeforeCommit(double p, boolean writesOnly) {
    return update(current -> current.withResetBeforeCommit(new FaultPlan.Reset(p, writesOnly)));
  }

  /** Silently removes the named top-level fields from stored resources of {@code resourceType}. */
  public Faults dropFields(String resourceType, String... fields) {
    return update(current -> {
      Map<String, List<String>> drops = new HashMap<>(current.dropFields());
      drops.put(resourceType, List.copyOf(Arrays.asList(fields)));
      return current.withDropFields(drops);
    });
  }

  /**
   * Makes "another user" update the stored record {@code reference} (e.g. {@code Observation/123}) now, so
   * the next write that holds the old version fails its {@code If-Match}.
   *
   * @return the new version id
   * @throws java.util.NoSuchElementException if no such record is stored
   */
  public String concurrentEdit(String reference) {
    return editor.edit(reference);
  }

  /** Restarts the random decisions from {@code seed}. */
  public Faults seed(long seed) {
    random = new Random(seed);
    return this;
  }

  /** Turns every fault off and restores the default seed. */
  public void clear() {
    plan = FaultPlan.NONE;
    random = new Random(DEFAULT_SEED);
  }

  /** The source of the random decisions; {@link Random} is itself thread-safe. */
  Random random() {
    return random;
  }

  private synchronized Faults update(UnaryOperator<FaultPlan> change) {
    plan = change.apply(plan);
    return this;
  }
}
