package dev.chartbridge.simulators.athena.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON answers of the athenaOne v1 API, worded per {@link AnswerStyle}. Stateless apart from the style. */
final class Answers {

  static final ObjectMapper JSON = new ObjectMapper();

  private final AnswerStyle style;

  Answers(AnswerStyle style) {
    this.style = style;
  }

  AnswerStyle style() {
    return style;
  }

  static void json(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=utf-8");
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }

  /**
   * A business-rule refusal: HTTP 200 with {@code success} false and an {@code errormessage}, as the recorded
   * sandbox answers a bad SNOMED code. Strict mode words the message differently: the wording is not documented.
   */
  // evidence: athena.error.success-false
  void refused(HttpServletResponse response, String message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", style.success(false));
    body.put("errormessage", style.strict() ? "ERROR: " + message.toUpperCase() : message);
    json(response, 200, body);
  }

  /**
   * Missing or malformed input: 400 with {@code error} and {@code detailedmessage}, as recorded for an empty
   * {@code departmentid} and as go-athenahealth's error type reads it; a {@code missingfields} list (no source
   * shows one) in normal mode only.
   */
  // evidence: athena.error.invalid-400, athena.error.missingfields
  void missing(HttpServletResponse response, List<String> fields) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "The data provided is invalid.");
    body.put("detailedmessage", "Expecting a value for " + String.join(", ", fields));
    if (!style.strict()) {
      body.put("missingfields", fields);
    }
    json(response, 400, body);
  }

  static void error(HttpServletResponse response, int status, String message) throws IOException {
    json(response, status, Map.of("error", message));
  }

  /** {@code {"success": ..., idField: id}}; with a null {@code idField} only the success flag. */
  void created(HttpServletResponse response, String idField, String id) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", style.success(true));
    if (idField != null) {
      body.put(idField, style.id(id));
    }
    json(response, 200, body);
  }
}
