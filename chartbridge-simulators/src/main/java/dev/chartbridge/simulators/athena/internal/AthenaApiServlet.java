package dev.chartbridge.simulators.athena.internal;

import dev.chartbridge.simulators.SimulatorStats;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.vendorkit.ChartStore;
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
 * {@code X-RateLimit-Reset} on every authorised answer), then routing to the chart writes and reads, the
 * patients, encounters and reference lists. An unrouted path
 * answers 404 "Service not registered with API gateway." as athena's gateway does. Thread-safe.
 */
public final class AthenaApiServlet extends HttpServlet {

  private final IssuedTokens tokens;
  private final WindowLimiter perSecond;
  private final WindowLimiter perDay;
  private final IntSupplier secondLimit;
  private final IntSupplier dayLimit;
  private final ChartWrites writes;
  private final ChartReads reads;
  private final PatientsApi patientsApi;
  private final Patients patients;
  private final SimulatorStats stats;

  public AthenaApiServlet(IssuedTokens tokens, WindowLimiter perSecond, WindowLimiter perDay, IntSupplier secondLimit,
      IntSupplier dayLimit, ChartStore store, AnswerStyle style, Patients patients, SimulatorStats stats) {
    this.tokens = tokens;
    this.perSecond = perSecond;
    this.perDay = perDay;
    this.secondLimit = secondLimit;
    this.dayLimit = dayLimit;
    Answers answers = new Answers(style);
    this.writes = new ChartWrites(store, answers);
    this.reads = new ChartReads(store, answers);
    this.patientsApi = new PatientsApi(patients, answers);
    this.patients = patients;
    this.stats = stats;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    List<String> path = List.of((request.getPathInfo() == null ? "" : request.getPathInfo())
        .replaceAll("^/+|/+$", "").split("/"));
    // evidence: athena.auth.bearer, athena.auth.expired-401
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
    switch (key) {
      case "GET chart/encounter/#" -> patientsApi.encounter(rs, p.get(2));
      case "POST chart/encounter/#/vitals" -> writes.addEncounterVitals(rq, rs, p.get(2));
      case "GET chart/encounter/#/vitals" -> reads.encounterVitals(rs, p.get(2));
      case "GET patients/customfields/#/*", "GET patients/customfields/#/#" ->
          patientsApi.byCustomField(rs, p.get(2), p.get(3));
      case "GET patients/enhancedbestmatch" -> patientsApi.enhancedBestMatch(rq, rs);
      case "POST patients" -> patientsApi.createPatient(rq, rs);
      case "GET reference/allergies" -> patientsApi.allergens(rq, rs);
      case "GET reference/medications" -> patientsApi.medications(rq, rs);
      default -> patientRoute(rq, rs, p, key);
    }
  }

  private void patientRoute(HttpServletRequest rq, HttpServletResponse rs, List<String> p, String key)
      throws IOException {
    String patient = p.size() > 1 ? p.get(1) : null;
    if (patient == null || !patient.matches("\\d+")) {
      unrouted(rs);
      return;
    }
    if (patients.find(patient).isEmpty()) {
      Answers.error(rs, 404, "Invalid patient ID.");
      return;
    }
    switch (key) {
      case "POST chart/#/problems" -> writes.addProblem(rq, rs, patient);
      case "GET chart/#/problems" -> reads.problems(rq, rs, patient);
      case "PUT chart/#/allergies" -> writes.putAllergies(rq, rs, patient);
      case "GET chart/#/allergies" -> reads.allergies(rq, rs, patient);
      case "POST chart/#/medications" -> writes.addMedication(rq, rs, patient);
      case "GET chart/#/medications" -> reads.medications(rq, rs, patient);
      case "GET chart/#/encounters" -> patientsApi.encounters(rq, rs, patient);
      case "POST patients/#/documents/clinicaldocument" -> writes.addClinicalDocument(rq, rs, patient);
      case "GET patients/#/documents" -> reads.documents(rq, rs, patient);
      case "GET patients/#" -> patientsApi.patient(rs, patient);
      default -> unrouted(rs);
    }
  }

  /**
   * The path with numeric segments replaced by {@code #}, e.g. {@code chart/#/problems}; a custom field's value
   * (any text) becomes {@code *}.
   */
  private static String shape(List<String> path) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      String s = path.get(i);
      boolean fieldValue = i == 3 && path.get(0).equals("patients") && path.get(1).equals("customfields");
      out.add(s.matches("\\d+") ? "#" : fieldValue ? "*" : s);
    }
    return String.join("/", out);
  }

  // evidence: athena.limit.api-calls, athena.limit.quota-headers, athena.limit.429
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

  // evidence: athena.error.unrouted
  private static void unrouted(HttpServletResponse response) throws IOException {
    response.setStatus(404);
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write("Service not registered with API gateway.".getBytes(StandardCharsets.UTF_8));
  }
}
