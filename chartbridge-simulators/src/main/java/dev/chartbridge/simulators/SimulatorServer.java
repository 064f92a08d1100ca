package dev.chartbridge.simulators;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The HTTP server every simulator runs on: one Jetty (through Javalin) bound to 127.0.0.1 that serves the
 * simulated API under one path, with {@link Faults} applied to it, and the control endpoints under
 * {@code /_sim} (faults, stats, plus whatever the simulator adds), which are never faulted.
 *
 * <p>Build one with {@link #builder()}. This class is thread-safe; {@link #close()} is idempotent.
 */
public final class SimulatorServer implements AutoCloseable {

  /** Host every simulator binds to: the simulators are for local tests only. */
  public static final String HOST = "127.0.0.1";

  private final Javalin javalin;
  private final CountDownLatch stopping;

  private SimulatorServer(Javalin javalin, CountDownLatch stopping) {
    this.javalin = javalin;
    this.stopping = stopping;
  }

  /** Starts describing a server. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bound port (the real one when 0 was asked for). */
  public int port() {
    return javalin.port();
  }

  /** {@code http://127.0.0.1:port}, no trailing slash. */
  public String origin() {
    return "http://" + HOST + ":" + port();
  }

  /** Releases held connections and stops the server. */
  @Override
  public synchronized void close() {
    if (stopping.getCount() > 0) {
      stopping.countDown();
      javalin.stop();
    }
  }

  /** Describes a {@link SimulatorServer}. Not thread-safe; use from one thread, then {@link #start()}. */
  public static final class Builder {
    private int port;
    private final Map<String, Servlet> apis = new LinkedHashMap<>();
    private Faults faults;
    private SimulatorStats stats;
    private Runnable reset = () -> {};
    private Consumer<RoutesConfig> controlRoutes = routes -> {};
    private ChartEditor chart;

    private Builder() {}

    /** Port to bind; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The simulated API: {@code servlet} answers everything under {@code path} (e.g. {@code /fhir}). May be
     * called once per path to serve several APIs (e.g. a token endpoint beside the data API); the faults
     * apply to every one of them.
     */
    public Builder api(String path, Servlet servlet) {
      apis.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(servlet, "servlet"));
      return this;
    }

    public Builder faults(Faults faults) {
      this.faults = faults;
      return this;
    }

    public Builder stats(SimulatorStats stats) {
      this.stats = stats;
      return this;
    }

    /** What {@code POST /_sim/reset} does. */
    public Builder onReset(Runnable reset) {
      this.reset = reset;
      return this;
    }

    /** A clinician's later edits, served under {@code /_sim/chart/} (none unless set). */
    public Builder chart(ChartEditor chart) {
      this.chart = chart;
      return this;
    }

    /** Adds simulator-specific control routes; by convention under {@code /_sim/}. */
    public Builder controlRoutes(Consumer<RoutesConfig> controlRoutes) {
      this.controlRoutes = controlRoutes;
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws io.javalin.util.JavalinBindException if the port is taken
     */
    public SimulatorServer start() {
      if (apis.isEmpty()) {
        throw new NullPointerException("api");
      }
      Objects.requireNonNull(faults, "faults");
      Objects.requireNonNull(stats, "stats");
      CountDownLatch stopping = new CountDownLatch(1);
      FaultFilter filter = new FaultFilter(faults, stats, stopping);
      ControlRoutes control = new ControlRoutes(faults, stats, reset, chart);
      Javalin javalin = Javalin.create(cfg -> {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jetty.host = HOST;
        cfg.jetty.port = port;
        cfg.jetty.modifyServletContextHandler(handler -> {
          FilterHolder filterHolder = new FilterHolder(filter);
          apis.forEach((path, servlet) -> {
            handler.addServlet(new ServletHolder(servlet), path + "/*");
            handler.addFilter(filterHolder, path + "/*", EnumSet.of(DispatcherType.REQUEST));
          });
        });
        control.register(cfg.routes);
        controlRoutes.accept(cfg.routes);
      });
      javalin.start();
      return new SimulatorServer(javalin, stopping);
    }
  }
}
