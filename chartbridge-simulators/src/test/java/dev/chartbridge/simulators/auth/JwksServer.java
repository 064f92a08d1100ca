package dev.chartbridge.simulators.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client's key pair and the JWKS URL it publishes, served over real HTTP on 127.0.0.1 (as the gateway
 * will), so the simulators' token endpoints fetch it as they would from a registered JKU.
 */
public final class JwksServer implements AutoCloseable {

  public static final String KID = "test-key-1";

  private final RSAKey key;
  private final HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();

  private JwksServer(RSAKey key) throws IOException {
    this.key = key;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks.json", exchange -> {
      fetches.incrementAndGet();
      byte[] body = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /** Generates a 2048-bit RSA key with kid {@link #KID} and starts serving its public JWKS. */
  public static JwksServer start() {
    try {
      return new JwksServer(new RSAKeyGenerator(2048).keyID(KID).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
  }

  public RSAKey key() {
    return key;
  }

  public int fetches() {
    return fetches.get();
  }

  /** A client assertion for {@code clientId} to {@code tokenUrl}, valid unless the test changes it. */
  public ClientAssertion assertion(String clientId, String tokenUrl) {
    return new ClientAssertion(key, url(), clientId, tokenUrl);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
