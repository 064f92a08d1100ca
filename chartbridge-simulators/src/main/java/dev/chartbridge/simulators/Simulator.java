package dev.chartbridge.simulators;

/**
 * A running EHR simulator: an HTTP server on loopback that plays one EHR for tests and demos.
 *
 * <p>Every simulator offers the same controls: fault injection ({@link #faults()}), a clinician's later edits
 * ({@link #chart()}), request counters ({@link #stats()}) and {@link #reset()} back to its seed data. Implementations are thread-safe: the
 * server answers requests on many threads while a test drives the controls.
 */
public interface Simulator extends AutoCloseable {

  /** Base URL of the simulated API, e.g. {@code http://127.0.0.1:41234/fhir}; no trailing slash. */
  String baseUrl();

  /** Base URL of the control endpoints, e.g. {@code http://127.0.0.1:41234/_sim}. */
  String controlUrl();

  /** The live fault settings; changes apply to the next request. */
  Faults faults();

  /**
   * A clinician's later work on stored records (status changes, deletions where the EHR deletes), as
   * {@code /_sim/chart/...} serves it; an amendment is {@link Faults#concurrentEdit}.
   */
  ChartEditor chart();

  /** The live request counters. */
  SimulatorStats stats();

  /** Restores the seed data, clears all faults and zeroes the counters. */
  void reset();

  /** Stops the server and releases any connection held open by a fault. Idempotent. */
  @Override
  void close();
}
