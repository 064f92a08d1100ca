package dev.chartbridge.simulators.vendorkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorStats;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A small FHIR R4 JSON server whose abilities come from a vendor's published CapabilityStatement:
 * {@code GET /metadata} serves the statement as published, and each resource type answers only the
 * interactions the statement lists for it (anything else: 405 with an OperationOutcome). Stores JSON as
 * given; no versions, no ETag, {@code If-Match} ignored (all three vendors it serves declare no versioning);
 * {@code If-None-Exist} honoured only where the statement says {@code conditionalCreate: true}.
 *
 * <p>Search supports {@code _id}/{@code id}, {@code identifier} ({@code system|value} or {@code value}) and
 * {@code patient}/{@code subject}; other parameters are ignored. Thread-safe.
 */
public final class CapabilityFhirServlet extends HttpServlet {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json;charset=utf-8";

  private final ObjectNode capability;
  private final Map<String, Set<String>> interactions = new HashMap<>();
  private final Set<String> conditionalCreate = new HashSet<>();
  private final String tenant;
  private final Predicate<HttpServletRequest> authorized;
  private final BooleanSupplier writesEnabled;
  private final String writesRefused;
  private final Faults faults;
  private final SimulatorStats stats;
  private final Clock clock;
  private final Map<String, Map<String, ObjectNode>> store = new LinkedHashMap<>();
  private long lastId;

  /**
   * @param capabilityResource classpath resource of the vendor's CapabilityStatement
   * @param tenant first path segment the base URL carries (e.g. an org id), or null
   * @param authorized who may call anything but {@code /metadata}
   * @param writesEnabled whether declared creates/updates are honoured now
   * @param writesRefused diagnostics when they are not
   */
  public CapabilityFhirServlet(String capabilityResource, String tenant, Predicate<HttpServletRequest> authorized,
      BooleanSupplier writesEnabled, String writesRefused, Faults faults, SimulatorStats stats, Clock clock) {
    this.capability = (ObjectNode) readResource(capabilityResource);
    this.tenant = tenant;
    this.authorized = authorized;
    this.writesEnabled = writesEnabled;
    this.writesRefused = writesRefused;
    this.faults = faults;
    this.stats = stats;
    this.clock = clock;
    for (JsonNode rest : capability.path("rest")) {
      for (JsonNode resource : rest.path("resource")) {
        Set<String> codes = interactions.computeIfAbsent(resource.path("type").asText(), k -> new HashSet<>());
        resource.path("interaction").forEach(i -> codes.add(i.path("code").asText()));
        if (resource.path("conditionalCreate").asBoolean(false)) {
          conditionalCreate.add(resource.path("type").asText());
        }
      }
    }
  }

  /** Parses a JSON classpath resource. */
  public static JsonNode readResource(String name) {
    try (InputStream in = CapabilityFhirServlet.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The interactions the statement declares for {@code type} (empty if the type is absent). */
  public Set<String> interactions(String type) {
    return Set.copyOf(interactions.getOrDefault(type, Set.of()));
  }

  /** Replaces everything stored with copies of {@code resources} (each with resourceType and id). */
  public synchronized void seed(List<ObjectNode> resources) {
    store.clear();
    lastId = 0;
    resources.forEach(r -> put(r.deepCopy()));
  }

  /** Copies of the stored resources of {@code type}, in creation order. */
  public synchronized List<ObjectNode> resources(String type) {
    return store.getOrDefault(type, Map.of()).values().stream().map(ObjectNode::deepCopy).toList();
  }

  /** A copy of stored {@code type/id}. */
  public synchronized Optional<ObjectNode> read(String type, String id) {
    return Optional.ofNullable(store.getOrDefault(type, Map.of()).get(id)).map(ObjectNode::deepCopy);
  }

  /** Copies of every stored resource (but Patients) that refers to Patient {@code patientId}. */
  public synchronized List<ObjectNode> forPatient(String patientId) {
    List<ObjectNode> out = new ArrayList<>();
    store.forEach((type, byId) -> byId.values().stream()
        .filter(r -> !type.equals("Patient") && refersTo(r, patientId))
        .forEach(r -> out.add(r.deepCopy())));
    return out;
  }

  /**
   * "Another user" edits {@code Type/id}: adds a meta tag. There is no version to move on, so a stale
   * update later overwrites this edit silently.
   *
   * @return {@code "no-version"}
   * @throws NoSuchElementException if nothing is stored there
   */
  public synchronized String edit(String reference) {
    String[] parts = reference.split("/", 2);
    ObjectNode resource = parts.length < 2 ? null : store.getOrDefault(parts[0], Map.of()).get(parts[1]);
    if (resource == null) {
      throw new NoSuchElementException(reference);
    }
    ObjectNode meta = resource.has("meta") ? (ObjectNode) resource.get("meta") : resource.putObject("meta");
    ArrayNode tags = meta.has("tag") ? (ArrayNode) meta.get("tag") : meta.putArray("tag");
    tags.addObject().put("system", "urn:chartbridge:sim:tag").put("code", "concurrent-edit");
    stats.recordFault(FaultKind.CONCURRENT_EDIT);
    return "no-version";
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    List<String> path = new ArrayList<>(List.of(
        (request.getPathInfo() == null ? "" : request.getPathInfo()).replaceAll("^/+|/+$", "").split("/")));
    path.removeIf(String::isEmpty);
    String base = request.getRequestURL().toString();
    base = base.substring(0, base.length() - (request.getPathInfo() == null ? 0 : request.getPathInfo().length()));
    if (tenant != null) {
      if (path.isEmpty() || !path.get(0).equals(tenant)) {
        outcome(response, 404, "not-found", "Unknown organization in the base URL");
        return;
      }
      base = base + "/" + path.remove(0);
    }
    String method = request.getMethod();
    if (path.size() == 1 && path.get(0).equals("metadata") && method.equals("GET")) {
      send(response, 200, capability);
      return;
    }
    if (!authorized.test(request)) {
      response.setHeader("WWW-Authenticate", "Bearer");
      outcome(response, 401, "login", "Missing, invalid or expired bearer token");
      return;
    }
    if (path.isEmpty() || path.size() > 2) {
      outcome(response, 404, "not-supported", "Unknown path " + request.getPathInfo());
      return;
    }
    String type = path.get(0);
    if (!interactions.containsKey(type)) {
      outcome(response, 404, "not-supported", "Resource type " + type + " is not supported by this server");
      return;
    }
    String id = path.size() == 2 ? path.get(1) : null;
    switch (method) {
      case "GET" -> {
        if (id == null) {
          search(request, response, base, type);
        } else {
          read(response, type, id);
        }
      }
      case "POST" -> {
        if (id == null) {
          create(request, response, base, type);
        } else {
          outcome(response, 405, "not-supported", "POST is only allowed on the type");
        }
      }
      case "PUT" -> update(request, response, base, type, id);
      default -> outcome(response, 405, "not-supported", method + " is not supported by this server");
    }
  }

  private void read(HttpServletResponse response, String type, String id) throws IOException {
    if (!allowed(response, type, "read")) {
      return;
    }
    Optional<ObjectNode> found = read(type, id);
    if (found.isEmpty()) {
      outcome(response, 404, "not-found", type + "/" + id + " is not known");
    } else {
      send(response, 200, found.get());
    }
  }

  private void search(HttpServletRequest request, HttpServletResponse response, String base, String type)
      throws IOException {
    if (!allowed(response, type, "search-type")) {
      return;
    }
    List<ObjectNode> matches;
    synchronized (this) {
      matches = store.getOrDefault(type, Map.of()).values().stream()
          .filter(r -> matches(r, request.getParameterMap()))
          .map(ObjectNode::deepCopy)
          .toList();
    }
    ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "searchset");
    bundle.put("total", matches.size());
    ArrayNode entries = bundle.putArray("entry");
    for (ObjectNode r : matches) {
      entries.addObject().put("fullUrl", base + "/" + type + "/" + r.path("id").asText()).set("resource", r);
    }
    send(response, 200, bundle);
  }

  private void create(HttpServletRequest request, HttpServletResponse response, String base, String type)
      throws IOException {
    if (!allowed(response, type, "create") || !writable(response)) {
      return;
    }
    ObjectNode body = body(request, response, type);
    if (body == null) {
      return;
    }
    String ifNoneExist = request.getHeader("If-None-Exist");
    ObjectNode stored;
    synchronized (this) {
      if (ifNoneExist != null && conditionalCreate.contains(type)) {
        Map<String, String[]> query = parseQuery(ifNoneExist);
        List<ObjectNode> existing = store.getOrDefault(type, Map.of()).values().stream()
            .filter(r -> matches(r, query)).toList();
        if (existing.size() == 1) {
          send(response, 200, existing.get(0).deepCopy());
          return;
        }
        if (existing.size() > 1) {
          outcome(response, 412, "duplicate", "If-None-Exist matched several resources");
          return;
        }
      }
      String id;
      do {
        id = Long.toString(++lastId);
      } while (store.getOrDefault(type, Map.of()).containsKey(id));
      body.put("id", id);
      stored = put(dropFields(body));
      stats.recordCreate();
    }
    response.setHeader("Location", base + "/" + type + "/" + stored.get("id").asText());
    answerWrite(request, response, 201, stored);
  }

  private void update(HttpServletRequest request, HttpServletResponse response, String base, String type, String id)
      throws IOException {
    if (id == null) {
      outcome(response, 405, "not-supported", "Conditional update is not supported");
      return;
    }
    if (!allowed(response, type, "update") || !writable(response)) {
      return;
    }
    ObjectNode body = body(request, response, type);
    if (body == null) {
      return;
    }
    if (body.has("id") && !body.get("id").asText().equals(id)) {
      outcome(response, 400, "invalid", "Resource id " + body.get("id").asText() + " does not match URL id " + id);
      return;
    }
    // No versioning: If-Match is ignored, so a stale update silently overwrites.
    ObjectNode stored;
    synchronized (this) {
      if (!store.getOrDefault(type, Map.of()).containsKey(id)) {
        outcome(response, 404, "not-found", type + "/" + id + " is not known (update cannot create)");
        return;
      }
      body.put("id", id);
      stored = put(dropFields(body));
      stats.recordUpdate();
    }
    response.setHeader("Location", base + "/" + type + "/" + id);
    answerWrite(request, response, 200, stored);
  }

  private boolean allowed(HttpServletResponse response, String type, String interaction) throws IOException {
    if (interactions.getOrDefault(type, Set.of()).contains(interaction)) {
      return true;
    }
    outcome(response, 405, "not-supported",
        "The CapabilityStatement declares no " + interaction + " interaction on " + type);
    return false;
  }

  private boolean writable(HttpServletResponse response) throws IOException {
    if (writesEnabled.getAsBoolean()) {
      return true;
    }
    outcome(response, 405, "not-supported", writesRefused);
    return false;
  }

  private static ObjectNode body(HttpServletRequest request, HttpServletResponse response, String type)
      throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(request.getInputStream());
    } catch (IOException e) {
      outcome(response, 400, "structure", "Body is not JSON: " + e.getMessage());
      return null;
    }
    if (!(body instanceof ObjectNode object) || !type.equals(object.path("resourceType").asText())) {
      outcome(response, 400, "invalid", "Body must be a " + type + " resource");
      return null;
    }
    return object;
  }

  private void answerWrite(HttpServletRequest request, HttpServletResponse response, int status, ObjectNode stored)
      throws IOException {
    String prefer = request.getHeader("Prefer");
    if (prefer != null && prefer.contains("return=minimal")) {
      response.setStatus(status);
      return;
    }
    send(response, status, stored);
  }

  private ObjectNode dropFields(ObjectNode resource) {
    List<String> drops = faults.plan().dropFields().getOrDefault(resource.path("resourceType").asText(), List.of());
    boolean dropped = false;
    for (String field : drops) {
      dropped |= resource.remove(field) != null;
    }
    if (dropped) {
      stats.recordFault(FaultKind.DROP_FIELDS);
    }
    return resource;
  }

  private ObjectNode put(ObjectNode resource) {
    resource.withObject("/meta").put("lastUpdated", clock.instant().toString());
    store.computeIfAbsent(resource.path("resourceType").asText(), k -> new LinkedHashMap<>())
        .put(resource.path("id").asText(), resource);
    return resource.deepCopy();
  }

  private static boolean matches(ObjectNode resource, Map<String, String[]> query) {
    for (Map.Entry<String, String[]> p : query.entrySet()) {
      for (String value : p.getValue()) {
        boolean ok = switch (p.getKey()) {
          case "_id", "id" -> resource.path("id").asText().equals(value);
          case "identifier" -> hasIdentifier(resource, value);
          case "patient", "subject" -> refersTo(resource, value.replaceFirst("^Patient/", ""));
          default -> true;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean hasIdentifier(ObjectNode resource, String token) {
    int bar = token.indexOf('|');
    String system = bar < 0 ? null : token.substring(0, bar);
    String value = bar < 0 ? token : token.substring(bar + 1);
    for (JsonNode id : resource.path("identifier")) {
      if (id.path("value").asText().equals(value) && (system == null || id.path("system").asText().equals(system))) {
        return true;
      }
    }
    return false;
  }

  private static boolean refersTo(JsonNode resource, String patientId) {
    String wanted = "Patient/" + patientId;
    for (String field : List.of("subject", "patient")) {
      if (resource.path(field).path("reference").asText().equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String[]> parseQuery(String query) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String pair : query.replaceFirst("^.*\\?", "").split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.computeIfAbsent(decode(pair.substring(0, eq)), k -> new ArrayList<>()).add(decode(pair.substring(eq + 1)));
      }
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
    return out;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static void send(HttpServletResponse response, int status, JsonNode body) throws IOException {
    response.setStatus(status);
    response.setContentType(FHIR_JSON);
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }

  /** Answers an OperationOutcome with one error issue. */
  public static void outcome(HttpServletResponse response, int status, String code, String diagnostics)
      throws IOException {
    ObjectNode outcome = JSON.createObjectNode().put("resourceType", "OperationOutcome");
    outcome.putArray("issue").addObject().put("severity", "error").put("code", code).put("diagnostics", diagnostics);
    send(response, status, outcome);
  }
}
