package dev.chartbridge.simulators.athena.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON answers of the athenaOne v1 API. Stateless. */
final class Answers {

  static final ObjectMapper JSON = new ObjectMapper();

  private Answers() {}

  static void json(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }

  /** A business-rule refusal: HTTP 200 with {@code success: false} and an {@code errormessage}. */
  static void refused(HttpServletResponse response, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", false);
    body.put("errormessage", message);
    json(response, 200, body);
  }

  /** Missing required fields: 400 {@code {"error": "Additional fields are required.", "missingfields": [...]}}. */
  static void missing(HttpServletResponse response, List<String> fields) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "Additional fields are required.");
    body.put("missingfields", fields);
    json(response, 400, body);
  }

  static void error(HttpServletResponse response, int status, String message) throws IOException {
    json(response, status, Map.of("error", message));
  }

  /** {@code {"success": true, idField: id, ...}}. */
  static void created(HttpServletResponse response, String idField, Object id) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put(idField, id);
    json(response, 200, body);
  }
}
