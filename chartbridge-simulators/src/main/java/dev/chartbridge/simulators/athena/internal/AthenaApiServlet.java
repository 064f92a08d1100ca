package dev.chartbridge.simulators.athena.internal;

import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.vendorkit.IssuedTokens;
import dev.chartbridge.simulators.vendorkit.WindowLimiter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The athenaOne v1 API under {@code /v1/{practiceid}}: bearer token with the MDP scope, a per-second and a
 * per-day call quota (429 above; the day's quota reported in {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Reset} on every authorised answer), then routing to {@link ChartApi}. An unrouted path
 * answers 404 "Service not registered with API gateway." as athena's gateway does. Thread-safe.
 */
public final class AthenaApiServlet extends HttpServlet {

  private final IssuedTokens tokens;
  private final WindowLimiter perSecond;
  private final WindowLimiter perDay;
  private final IntSupplier secondLimit;
  private final IntSupplier dayLimit;
  private final ChartApi chart;
  private final Patients patients;
  private final SimulatorStats stats;

  public AthenaApiServlet(IssuedTokens tokens, WindowLimiter perSecond, WindowLimiter perDay, IntSupplier secondLimit,
      IntSupplier dayLimit, ChartApi chart, Patients patients, SimulatorStats stats) {
    this.tokens = tokens;
    this.perSecond = perSecond;
    this.perDay = perDay;
    this.secondLimit = secondLimit;
    this.dayLimit = dayLimit;
    this.chart = chart;
    this.patients = patients;
    this.stats = stats;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    List<String> path = List.of((request.getPathInfo() == null ? "" : request.getPathInfo())
        .replaceAll("^/+|/+$", "").split("/"));
    Optional<IssuedTokens.Grant> grant = tokens.validate(request);
    if (grant.isEmpty()) {
      Answers.error(response, 401, "Invalid or expired access token");
      return;
    }
    if (!grant.get().hasScope(AthenaSeed.MDP_SCOPE)) {
      Answers.error(response, 403, "The access token lacks scope " + AthenaSeed.MDP_SCOPE);
      return;
    }
    if (!withinQuota(response)) {
      return;
    }
    if (path.size() < 2 || !path.get(0).equals(AthenaSeed.PRACTICE_ID)) {
      if (path.get(0).matches("\\d+")) {
        Answers.error(response, 404, "Invalid practice.");
      } else {
        unrouted(response);
      }
      return;
    }
    route(request, response, path.subList(1, path.size()), request.getMethod());
  }

  private void route(HttpServletRequest rq, HttpServletResponse rs, List<String> p, String method) throws IOException {
    String key = method + " " + shape(p);
    if (key.startsWith("GET chart/encounter/#") || key.startsWith("POST chart/encounter/#")) {
      switch (key) {
        case "GET chart/encounter/#" -> chart.encounter(rs, p.get(2));
        case "POST chart/encounter/#/vitals" -> chart.addEncounterVitals(rq, rs, p.get(2));
        default -> unrouted(rs);
      }
      return;
    }
    String patient = p.size() > 1 ? p.get(1) : null;
    if (patient != null && patient.matches("\\d+") && patients.find(patient).isEmpty()) {
      Answers.error(rs, 404, "Invalid patient ID.");
      return;
    }
    switch (key) {
      case "POST chart/#/problems" -> chart.addProblem(rq, rs, patient);
      case "GET chart/#/problems" -> chart.list(rs, "problem", "problems", "problemid", patient);
      case "POST chart/#/vitals" -> chart.addVitals(rq, rs, patient, null);
      case "GET chart/#/vitals" -> chart.list(rs, "vitals", "vitals", "vitalid", patient);
      case "POST chart/#/allergies" -> chart.addAllergy(rq, rs, patient);
      case "GET chart/#/allergies" -> chart.list(rs, "allergy", "allergies", "allergyid", patient);
      case "POST chart/#/medications" -> chart.addMedication(rq, rs, patient);
      case "GET chart/#/medications" -> chart.list(rs, "medication", "medications", "medicationentryid", patient);
      case "POST patients/#/documents/clinicaldocument" -> chart.addClinicalDocument(rq, rs, patient);
      case "GET patients/#/documents/clinicaldocument" ->
          chart.list(rs, "clinicaldocument", "clinicaldocuments", "clinicaldocumentid", patient);
      case "GET patients/#" -> chart.patient(rs, patient);
      case "GET patients" -> chart.searchPatients(rq, rs);
      case "POST patients" -> chart.createPatient(rq, rs);
      default -> unrouted(rs);
    }
  }

  /** The path with numeric segments replaced by {@code #}, e.g. {@code chart/#/problems}. */
  private static String shape(List<String> path) {
    return String.join("/", path.stream().map(s -> s.matches("\\d+") ? "#" : s).toList());
  }

  private boolean withinQuota(HttpServletResponse response) throws IOException {
    WindowLimiter.Decision day = perDay.acquire("api", dayLimit.getAsInt());
    response.setHeader("X-RateLimit-Remaining", Integer.toString(day.remaining()));
    response.setHeader("X-RateLimit-Reset", Long.toString(day.resetAt().getEpochSecond()));
    if (day.allowed() && perSecond.acquire("api", secondLimit.getAsInt()).allowed()) {
      return true;
    }
    stats.increment("rateLimited");
    stats.recordTooManyRequests();
    Answers.error(response, 429, day.allowed() ? "Too many requests per second." : "Daily API quota exhausted.");
    return false;
  }

  private static void unrouted(HttpServletResponse response) throws IOException {
    response.setStatus(404);
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write("Service not registered with API gateway.".getBytes(StandardCharsets.UTF_8));
  }
}
