package dev.chartbridge.simulators;

/**
 * What every simulator does the same way: it counts requests ({@link #stats}), holds the live {@link #faults}
 * (whose concurrent edit it supplies, {@link #concurrentEdit}), runs on a {@link SimulatorServer} wired to
 * those faults, counters, its chart and {@link #reset()}, and answers the {@link Simulator} accessors. A
 * simulator describes its APIs and extra control routes on a {@link SimulatorServer#builder()} and starts it
 * with {@link #serve}; what it restores on reset is its own ({@link #restore()}).
 */
public abstract class AbstractSimulator implements Simulator {

  /** The request counters the server and the simulator's APIs count into. */
  protected final SimulatorStats stats = new SimulatorStats();
  /** The live faults; {@link Faults#concurrentEdit} calls {@link #concurrentEdit}. */
  protected final Faults faults = new Faults(this::concurrentEdit);
  private volatile ChartEditor chart;
  private volatile SimulatorServer server;

  protected AbstractSimulator() {}

  /**
   * Starts {@code server} (the simulator's APIs, port and extra control routes) with this simulator's faults,
   * counters, {@link #reset()} and {@code chart} (served under {@code /_sim/chart/}).
   */
  protected final void serve(SimulatorServer.Builder server, ChartEditor chart) {
    this.chart = chart;
    this.server = server.faults(faults).stats(stats).onReset(this::reset).chart(chart).start();
  }

  /** "Another user" edits the stored record {@code reference}; see {@link ConcurrentEditor#edit}. */
  protected abstract String concurrentEdit(String reference);

  /**
   * What {@link #reset()} does besides clearing the faults (before) and zeroing the counters (after):
   * restores the simulator's seed data and configured settings.
   */
  protected abstract void restore();

  /** {@code http://127.0.0.1:port} followed by {@code path}; null while the server is not started yet. */
  protected final String url(String path) {
    SimulatorServer running = server;
    return running == null ? null : running.origin() + path;
  }

  @Override
  public String controlUrl() {
    return url("/_sim");
  }

  @Override
  public Faults faults() {
    return faults;
  }

  @Override
  public ChartEditor chart() {
    return chart;
  }

  @Override
  public SimulatorStats stats() {
    return stats;
  }

  /** Clears the faults, restores the seed data and settings ({@link #restore()}), zeroes the counters. */
  @Override
  public final void reset() {
    faults.clear();
    restore();
    stats.reset();
  }

  @Override
  public void close() {
    server.close();
  }
}
