package dev.chartbridge.simulators.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches clients' JWKS over HTTP, as the vendors do from the registered JKU, and caches each set briefly.
 * A key id missing from a cached set triggers one fresh fetch (the client may have rotated its key).
 * This class is thread-safe.
 */
final class JwksSource {

  private record Cached(JWKSet keys, Instant fetchedAt) {}

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();
  private final Map<URI, Cached> cache = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  JwksSource(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * The key {@code kid} published at {@code url}, or empty if the set has no such key.
   *
   * @throws IOException if the set cannot be fetched or parsed
   */
  Optional<JWK> key(URI url, String kid) throws IOException {
    Instant now = clock.instant();
    Cached cached = cache.get(url);
    boolean fresh = cached != null && cached.fetchedAt().plus(ttl).isAfter(now);
    if (fresh && cached.keys().getKeyByKeyId(kid) != null) {
      return Optional.of(cached.keys().getKeyByKeyId(kid));
    }
    JWKSet keys = fetch(url);
    cache.put(url, new Cached(keys, now));
    return Optional.ofNullable(keys.getKeyByKeyId(kid));
  }

  void clear() {
    cache.clear();
  }

  private JWKSet fetch(URI url) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
        .header("Accept", "application/json").GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("JWKS " + url + " answered HTTP " + response.statusCode());
    }
    try {
      return JWKSet.parse(response.body());
    } catch (ParseException e) {
      throw new IOException("JWKS " + url + " is not a JWK set: " + e.getMessage(), e);
    }
  }
}
