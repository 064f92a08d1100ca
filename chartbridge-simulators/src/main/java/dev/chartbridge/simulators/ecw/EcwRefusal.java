package dev.chartbridge.simulators.ecw;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refused eCW write: the error and what was wrong. Its body is the simulator's reading of eCW's
 * writeback envelope ({@code eclinicalworks-error-codes.yml}: "a numeric error code in {@code status} plus
 * an error key"): {@code {"status":139,"error":"ENCOUNTER_IS_LOCKED","message":"<action>","details":"..."}}.
 */
record EcwRefusal(EcwError error, String details) {

  private static final ObjectMapper JSON = new ObjectMapper();

  String body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", error.status());
    body.put("error", error.key());
    body.put("message", error.action());
    body.put("details", details);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
