package dev.chartbridge.simulators.ecw;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import dev.chartbridge.simulators.RecordingRequest;
import dev.chartbridge.simulators.auth.BearerCheck;
import dev.chartbridge.simulators.auth.Interaction;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.fhir.internal.CapabilityStatementFile;
import dev.chartbridge.simulators.fhir.internal.VendorApiServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Resource;

/**
 * eCW's front door for one practice: the practice rate limit on every call (429, no Retry-After), bearer
 * token (401 with an OperationOutcome, as observed live), then for writes: enabled for this practice
 * (else 403 FAILURE), token scope (403), the writeback user configured (else 308) and eCW's content checks,
 * answered with eCW's {@code status}/error-key body.
 */
final class EcwApiServlet extends VendorApiServlet {

  private static final String FHIR_JSON = "application/fhir+json;charset=utf-8";
  private static final String OUTCOME = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
      + "\"code\":\"%s\",\"diagnostics\":\"%s\"}]}";

  private final EcwSimulator simulator;
  private final SmartAuth auth;
  private final EcwWriteCheck checks;

  EcwApiServlet(HttpServlet fhir, CapabilityStatementFile capabilities, EcwSimulator simulator,
      EcwWriteCheck checks, Supplier<String> tokenUrl) {
    super(fhir, capabilities, "/vendor/ecw/smart-configuration.json", tokenUrl);
    this.simulator = simulator;
    this.auth = simulator.auth();
    this.checks = checks;
  }

  @Override
  protected boolean before(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!simulator.rateLimit().admit()) {
      send(response, 429, FHIR_JSON, OUTCOME.formatted("throttled",
          "Rate limit of " + simulator.rateLimit().limit() + " calls per window exceeded for this practice"));
      return false;
    }
    return true;
  }

  @Override
  protected HttpServletRequest admit(HttpServletRequest request, HttpServletResponse response, String type)
      throws IOException {
    Interaction interaction = Interaction.of(request.getMethod(), request.getPathInfo());
    BearerCheck valid = auth.check(request.getHeader("Authorization"), null, interaction);
    if (!(valid instanceof BearerCheck.Granted)) {
      response.setHeader("WWW-Authenticate", valid.wwwAuthenticate());
      send(response, 401, FHIR_JSON, OUTCOME.formatted("login", "Unauthenticated: " + (valid instanceof
          BearerCheck.Invalid invalid ? invalid.reason() : "no bearer token")));
      return null;
    }
    if (type == null || !Character.isUpperCase(type.charAt(0))) {
      return request;
    }
    if (interaction.isWrite() && !simulator.allowsWrite(type, interaction)) {
      refuse(response, new EcwRefusal(EcwError.FAILURE, type + " " + interaction.name().toLowerCase()
          + " is not enabled for practice " + simulator.practiceCode()));
      return null;
    }
    BearerCheck scoped = auth.check(request.getHeader("Authorization"), type, interaction);
    if (!(scoped instanceof BearerCheck.Granted)) {
      response.setHeader("WWW-Authenticate", scoped.wwwAuthenticate());
      send(response, 403, FHIR_JSON, OUTCOME.formatted("forbidden",
          "The access token has no scope for " + type + " " + interaction.name().toLowerCase()));
      return null;
    }
    if (!interaction.isWrite()) {
      return request;
    }
    if (!simulator.writebackUserConfigured()) {
      refuse(response, new EcwRefusal(EcwError.DEFAULT_WRITEBACK_USER_NOT_CONFIGURED,
          "no default writeback user is configured for practice " + simulator.practiceCode()));
      return null;
    }
    RecordingRequest cached = RecordingRequest.buffered(request);
    Optional<EcwRefusal> refusal;
    try {
      refusal = checks.check((Resource) FhirContext.forR4Cached().newJsonParser().parseResource(cached.bodyText()));
    } catch (DataFormatException | ClassCastException e) {
      return cached; // malformed: HAPI answers 400 with an OperationOutcome
    }
    if (refusal.isPresent()) {
      refuse(response, refusal.get());
      return null;
    }
    return cached;
  }

  private static void refuse(HttpServletResponse response, EcwRefusal refusal) throws IOException {
    send(response, refusal.error().httpStatus(), "application/json", refusal.body());
  }
}
