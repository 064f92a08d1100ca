package dev.chartbridge.simulators.epic;

import dev.chartbridge.simulators.auth.BearerCheck;
import dev.chartbridge.simulators.auth.Interaction;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.fhir.internal.CapabilityStatementFile;
import dev.chartbridge.simulators.fhir.internal.VendorApiServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Epic's front door: bearer token (401), then "is this API enabled" from the published
 * CapabilityStatement and "does the token's scope allow it", both answered as Epic does, 403 with an
 * empty body ({@code ehr-vendors.md}, Epic, Responses). HAPI's absolute {@code Location} becomes Epic's
 * relative {@code Type/id}.
 */
final class EpicApiServlet extends VendorApiServlet {

  private static final String UNAUTHORIZED = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{"
      + "\"severity\":\"fatal\",\"code\":\"login\",\"details\":{\"coding\":[{\"system\":\""
      + EpicOutcome.CODE_SYSTEM + "\",\"code\":\"4118\",\"display\":\"User not authorized for request\"}],"
      + "\"text\":\"User not authorized for request\"},\"diagnostics\":\"%s\"}]}";

  private final SmartAuth auth;

  EpicApiServlet(HttpServlet fhir, CapabilityStatementFile capabilities, SmartAuth auth,
      Supplier<String> tokenUrl) {
    super(fhir, capabilities, "/vendor/epic/smart-configuration.json", tokenUrl);
    this.auth = auth;
  }

  @Override
  protected HttpServletRequest admit(HttpServletRequest request, HttpServletResponse response, String type)
      throws IOException {
    Interaction interaction = Interaction.of(request.getMethod(), request.getPathInfo());
    BearerCheck valid = auth.check(request.getHeader("Authorization"), null, interaction);
    if (!(valid instanceof BearerCheck.Granted)) {
      response.setHeader("WWW-Authenticate", valid.wwwAuthenticate());
      send(response, 401, "application/fhir+json;charset=utf-8", UNAUTHORIZED.formatted(
          valid instanceof BearerCheck.Invalid invalid ? invalid.reason() : "no bearer token"));
      return null;
    }
    if (type == null || !Character.isUpperCase(type.charAt(0))) {
      return request;
    }
    if (!capabilities().declares(type, capabilityCode(request.getMethod(), interaction))) {
      send(response, 403, null, null); // "API not enabled": Epic's empty 403
      return null;
    }
    BearerCheck scoped = auth.check(request.getHeader("Authorization"), type, interaction);
    if (!(scoped instanceof BearerCheck.Granted)) {
      response.setHeader("WWW-Authenticate", scoped.wwwAuthenticate());
      send(response, 403, null, null);
      return null;
    }
    return request;
  }

  @Override
  protected HttpServletResponse wrap(HttpServletResponse response) {
    return new RelativeLocation(response);
  }

  private static String capabilityCode(String method, Interaction interaction) {
    return switch (interaction) {
      case READ -> "read";
      case SEARCH -> "search-type";
      case CREATE -> "create";
      case UPDATE -> method.equals("PATCH") ? "patch" : "update";
      case DELETE -> "delete";
    };
  }

  /** Rewrites {@code http://host/base/Observation/7/_history/1} to {@code Observation/7}. */
  private static final class RelativeLocation extends HttpServletResponseWrapper {
    RelativeLocation(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setHeader(String name, String value) {
      super.setHeader(name, relative(name, value));
    }

    @Override
    public void addHeader(String name, String value) {
      super.addHeader(name, relative(name, value));
    }

    private static String relative(String name, String value) {
      if (value == null || !(name.equalsIgnoreCase("Location") || name.equalsIgnoreCase("Content-Location"))) {
        return value;
      }
      String path = value.replaceFirst("/_history/[^/]+$", "");
      String[] parts = path.split("/");
      return parts.length < 2 ? value : parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
  }
}
