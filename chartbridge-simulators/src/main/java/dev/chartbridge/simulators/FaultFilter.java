package dev.chartbridge.simulators;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Applies the current {@link FaultPlan} to each API request before the simulator handles it, and counts
 * requests. Mounted on the API path only, so the {@code /_sim} controls are never faulted.
 */
final class FaultFilter extends HttpFilter {

  private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final Faults faults;
  private final SimulatorStats stats;
  private final CountDownLatch stopping;

  FaultFilter(Faults faults, SimulatorStats stats, CountDownLatch stopping) {
    this.faults = faults;
    this.stats = stats;
    this.stopping = stopping;
  }

  @Override
  protected void doFilter(HttpServletRequest original, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    RecordingRequest request = new RecordingRequest(original);
    stats.journal().record(request.recorded());
    boolean write = WRITE_METHODS.contains(request.getMethod());
    stats.recordRequest(request.getMethod(), resourceType(request.getPathInfo()));
    FaultPlan plan = faults.plan();
    Random random = faults.random();

    FaultPlan.Latency latency = plan.latency();
    if (latency != null && (write || !latency.writesOnly())) {
      long ms = latency.minMs() + (long) (random.nextDouble() * (latency.maxMs() - latency.minMs()));
      stats.recordFault(FaultKind.LATENCY);
      pause(ms);
    }
    FaultPlan.Reset early = plan.resetBeforeCommit();
    if (early != null && (write || !early.writesOnly()) && random.nextDouble() < early.probability()) {
      stats.recordFault(FaultKind.RESET_BEFORE_COMMIT);
      ConnectionDrop.reset(original);
      return;
    }
    if (fails(plan.tooManyRequestsRate(), write, random)) {
      stats.recordFault(FaultKind.TOO_MANY_REQUESTS);
      sendError(response, 429, plan.tooManyRequestsRate().retryAfterSeconds());
      return;
    }
    if (fails(plan.errorRate(), write, random)) {
      stats.recordFault(FaultKind.ERROR);
      sendError(response, plan.errorRate().status(), plan.errorRate().retryAfterSeconds());
      return;
    }
    FaultKind lost = write ? lostResponse(plan, random) : null;
    if (lost == null) {
      chain.doFilter(request, response);
      return;
    }
    chain.doFilter(request, new ResponseBuffer(response));
    stats.recordFault(lost);
    if (lost == FaultKind.COMMIT_THEN_TIMEOUT) {
      pause(plan.commitThenTimeout().hangMs());
      ConnectionDrop.close(original);
    } else {
      ConnectionDrop.reset(original);
    }
  }

  private static FaultKind lostResponse(FaultPlan plan, Random random) {
    if (plan.commitThenReset() != null && random.nextDouble() < plan.commitThenReset().probability()) {
      return FaultKind.COMMIT_THEN_RESET;
    }
    if (plan.commitThenTimeout() != null && random.nextDouble() < plan.commitThenTimeout().probability()) {
      return FaultKind.COMMIT_THEN_TIMEOUT;
    }
    return null;
  }

  private static boolean fails(FaultPlan.Failure failure, boolean write, Random random) {
    return failure != null && (write || !failure.writesOnly()) && random.nextDouble() < failure.probability();
  }

  private static void sendError(HttpServletResponse response, int status, Integer retryAfterSeconds)
      throws IOException {
    response.setStatus(status);
    if (retryAfterSeconds != null) {
      response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
    response.setContentType("application/fhir+json;charset=utf-8");
    String outcome = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
        + "\"code\":\"" + (status == 429 ? "throttled" : "transient") + "\","
        + "\"diagnostics\":\"Injected by the ChartBridge simulator (HTTP " + status + ")\"}]}";
    response.getOutputStream().write(outcome.getBytes(StandardCharsets.UTF_8));
  }

  /** Sleeps, but wakes at once when the simulator stops so that close() is never held up. */
  private void pause(long ms) {
    try {
      stopping.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code /Observation/1/_history/2} gives {@code Observation}; {@code /metadata} gives null. */
  static String resourceType(String pathInfo) {
    if (pathInfo == null || pathInfo.length() < 2) {
      return null;
    }
    String first = pathInfo.substring(1).split("/", 2)[0];
    return !first.isEmpty() && Character.isUpperCase(first.charAt(0)) ? first : null;
  }
}
