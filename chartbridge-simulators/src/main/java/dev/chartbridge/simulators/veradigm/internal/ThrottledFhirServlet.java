package dev.chartbridge.simulators.veradigm.internal;

import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.vendorkit.CapabilityFhirServlet;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * Puts an optional per-minute request limit in front of the FHIR API (Veradigm publishes none; off by
 * default): above it, 429 with an OperationOutcome. Thread-safe.
 */
public final class ThrottledFhirServlet extends HttpServlet {

  private final CapabilityFhirServlet fhir;
  private final WindowLimiter limiter;
  private final IntSupplier perMinute;
  private final SimulatorStats stats;

  public ThrottledFhirServlet(CapabilityFhirServlet fhir, WindowLimiter limiter, IntSupplier perMinute,
      SimulatorStats stats) {
    this.fhir = fhir;
    this.limiter = limiter;
    this.perMinute = perMinute;
    this.stats = stats;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    int limit = perMinute.getAsInt();
    if (limit > 0 && !limiter.acquire("fhir", limit).allowed()) {
      stats.increment("rateLimited");
      stats.recordTooManyRequests();
      CapabilityFhirServlet.outcome(response, 429, "throttled", "Too many requests");
      return;
    }
    fhir.service(request, response);
  }
}
