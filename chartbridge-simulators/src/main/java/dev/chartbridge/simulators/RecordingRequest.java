package dev.chartbridge.simulators;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request whose body was read once into memory, so it can be journalled, inspected by a simulator's own
 * checks, and still handled. Form parameters of a form-urlencoded body are parsed from the buffered bytes (the
 * container can no longer read them).
 */
public final class RecordingRequest extends HttpServletRequestWrapper {
  private static final List<String> HEADERS = List.of("content-type", "accept", "prefer", "if-match",
      "if-none-exist", "if-none-match", "authorization", "cookie", "cache-control", "traceparent");

  private final byte[] body;
  private Map<String, String[]> parameters;

  RecordingRequest(HttpServletRequest request) throws IOException {
    super(request);
    this.body = request.getInputStream().readAllBytes();
  }

  /** The request itself when the fault filter already buffered it, else a buffered copy. */
  public static RecordingRequest buffered(HttpServletRequest request) throws IOException {
    return request instanceof RecordingRequest r ? r : new RecordingRequest(request);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  RecordedRequest recorded() {
    HttpServletRequest r = (HttpServletRequest) getRequest();
    Map<String, String> headers = new TreeMap<>();
    for (String name : HEADERS) {
      String value = r.getHeader(name);
      if (value != null) {
        // Only the scheme of credentials: the journal shows how a call authenticated, not its secret.
        headers.put(name, name.equals("authorization") || name.equals("cookie") ? value.split(" ", 2)[0] : value);
      }
    }
    String query = r.getQueryString();
    String path = r.getRequestURI() + (query == null ? "" : "?" + query);
    return new RecordedRequest(r.getMethod(), path, headers, body, Instant.now());
  }

  @Override
  public ServletInputStream getInputStream() {
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    return new ServletInputStream() {
      @Override
      public boolean isFinished() {
        return in.available() == 0;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
        throw new UnsupportedOperationException("blocking reads only");
      }

      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return in.read(b, off, len);
      }
    };
  }

  @Override
  public BufferedReader getReader() {
    return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
  }

  @Override
  public String getParameter(String name) {
    String[] values = getParameterMap().get(name);
    return values == null ? null : values[0];
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.enumeration(getParameterMap().keySet());
  }

  @Override
  public String[] getParameterValues(String name) {
    return getParameterMap().get(name);
  }

  @Override
  public synchronized Map<String, String[]> getParameterMap() {
    if (parameters == null) {
      Map<String, List<String>> all = new LinkedHashMap<>();
      parse(getQueryString(), all);
      String type = getContentType();
      if (type != null && type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        parse(new String(body, StandardCharsets.UTF_8), all);
      }
      Map<String, String[]> result = new LinkedHashMap<>();
      all.forEach((k, v) -> result.put(k, v.toArray(new String[0])));
      parameters = Collections.unmodifiableMap(result);
    }
    return parameters;
  }

  private static void parse(String encoded, Map<String, List<String>> into) {
    if (encoded == null || encoded.isEmpty()) {
      return;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
    }
  }
}
