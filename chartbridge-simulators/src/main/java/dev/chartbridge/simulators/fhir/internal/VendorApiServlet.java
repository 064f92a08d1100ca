package dev.chartbridge.simulators.fhir.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The front door of a vendor simulator's FHIR API: serves the vendor's published {@code /metadata} and
 * {@code /.well-known/smart-configuration} (with {@code token_endpoint} pointing at the simulator), lets the
 * vendor subclass refuse a request the vendor's way ({@link #admit}), and hands the rest to the HAPI
 * {@link ca.uhn.fhir.rest.server.RestfulServer} behind it. Thread-safe if the subclass is.
 */
public abstract class VendorApiServlet extends HttpServlet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServlet fhir;
  private final CapabilityStatementFile capabilities;
  private final String smartConfiguration;
  private final Supplier<String> tokenUrl;
  private volatile java.util.function.UnaryOperator<String> published = java.util.function.UnaryOperator.identity();

  /**
   * @param fhir the HAPI server that answers admitted requests
   * @param capabilities served as {@code /metadata}
   * @param smartConfigurationResource class path of the vendor's smart-configuration JSON
   * @param tokenUrl the simulator's token endpoint URL, written into the smart-configuration
   */
  protected VendorApiServlet(HttpServlet fhir, CapabilityStatementFile capabilities,
      String smartConfigurationResource, Supplier<String> tokenUrl) {
    this.fhir = fhir;
    this.capabilities = capabilities;
    this.smartConfiguration = read(smartConfigurationResource);
    this.tokenUrl = tokenUrl;
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    fhir.init(config);
  }

  @Override
  public void destroy() {
    fhir.destroy();
    super.destroy();
  }

  @Override
  protected final void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
    if (!before(request, response)) {
      return;
    }
    if (request.getMethod().equals("GET") && path.equals("/metadata")) {
      send(response, 200, "application/fhir+json;charset=utf-8", published.apply(capabilities.json()));
      return;
    }
    if (request.getMethod().equals("GET") && path.equals("/.well-known/smart-configuration")) {
      ObjectNode config = (ObjectNode) JSON.readTree(smartConfiguration);
      config.put("token_endpoint", tokenUrl.get());
      send(response, 200, "application/json", JSON.writeValueAsString(config));
      return;
    }
    String type = path.length() > 1 ? path.substring(1).split("/")[0] : null;
    HttpServletRequest admitted = admit(request, response, type);
    if (admitted != null) {
      fhir.service(admitted, wrap(response));
    }
  }

  /**
   * Runs before anything else, {@code /metadata} included (e.g. a rate limit that counts every call).
   *
   * @return false if it answered the request itself
   */
  protected boolean before(HttpServletRequest request, HttpServletResponse response) throws IOException {
    return true;
  }

  /**
   * Decides whether the FHIR server may handle a request on {@code type} (null for the root).
   *
   * @return the request to hand on (possibly wrapped), or null if this method answered it (refusal)
   */
  protected abstract HttpServletRequest admit(HttpServletRequest request, HttpServletResponse response,
      String type) throws IOException;

  /** Lets the vendor change HAPI's answer (e.g. header spelling); unchanged by default. */
  protected HttpServletResponse wrap(HttpServletResponse response) {
    return response;
  }

  /**
   * Serves {@code /metadata} through {@code filter} (a test hook: {@link
   * dev.chartbridge.simulators.WithdrawnInteractions#apply}); what the simulator allows is unchanged.
   */
  public void publishThrough(java.util.function.UnaryOperator<String> filter) {
    this.published = filter;
  }

  /** The published CapabilityStatement. */
  protected CapabilityStatementFile capabilities() {
    return capabilities;
  }

  /** Writes a complete answer. */
  protected static void send(HttpServletResponse response, int status, String contentType, String body)
      throws IOException {
    response.setStatus(status);
    if (contentType != null) {
      response.setContentType(contentType);
    }
    if (body != null && !body.isEmpty()) {
      response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    } else {
      response.setContentLength(0);
    }
  }

  private static String read(String resource) {
    try (InputStream in = VendorApiServlet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing class path resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
