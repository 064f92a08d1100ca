package dev.chartbridge.simulators.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Builds a SMART Backend Services client assertion, valid by default, and posts it to a token endpoint. */
public final class ClientAssertion {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private RSAKey key;
  private JWSAlgorithm alg = JWSAlgorithm.RS384;
  private String kid;
  private String jku;
  private String issuer;
  private String subject;
  private String audience;
  private Instant expiry = Instant.now().plusSeconds(240);
  private String jti = UUID.randomUUID().toString();

  ClientAssertion(RSAKey key, String jku, String clientId, String audience) {
    this.key = key;
    this.kid = key.getKeyID();
    this.jku = jku;
    this.issuer = clientId;
    this.subject = clientId;
    this.audience = audience;
  }

  public ClientAssertion alg(JWSAlgorithm alg) {
    this.alg = alg;
    return this;
  }

  public ClientAssertion kid(String kid) {
    this.kid = kid;
    return this;
  }

  public ClientAssertion jku(String jku) {
    this.jku = jku;
    return this;
  }

  public ClientAssertion signedWith(RSAKey other) {
    this.key = other;
    return this;
  }

  public ClientAssertion audience(String audience) {
    this.audience = audience;
    return this;
  }

  public ClientAssertion expiresIn(Duration fromNow) {
    this.expiry = Instant.now().plus(fromNow);
    return this;
  }

  public ClientAssertion jti(String jti) {
    this.jti = jti;
    return this;
  }

  /** The signed, serialized JWT. */
  public String jwt() {
    JWSHeader.Builder header = new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid);
    if (jku != null) {
      header.jwkURL(URI.create(jku));
    }
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(audience)
        .expirationTime(Date.from(expiry)).jwtID(jti).issueTime(new Date()).build();
    SignedJWT jwt = new SignedJWT(header.build(), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** POSTs a client_credentials request with this assertion and {@code scope} to {@code tokenUrl}. */
  public HttpResponse<String> post(String tokenUrl, String scope) throws IOException, InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    form.put("client_assertion", jwt());
    if (scope != null) {
      form.put("scope", scope);
    }
    return postForm(tokenUrl, form, Map.of());
  }

  /** POSTs a form to {@code url}. */
  public static HttpResponse<String> postForm(String url, Map<String, String> form, Map<String, String> headers)
      throws IOException, InterruptedException {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs JSON to {@code url} (control endpoints). */
  public static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
