package dev.chartbridge.simulators;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One API request exactly as it reached a simulator: method, path with query, the headers that matter for a
 * write (content type, accept, prefer, conditional headers, authorization scheme), the body bytes, and when it
 * arrived.
 */
public record RecordedRequest(String method, String pathAndQuery, Map<String, String> headers, byte[] body,
    Instant receivedAt) {

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public String header(String name) {
    return headers.get(name.toLowerCase());
  }
}
