package dev.chartbridge.ehr.testing;

import com.sun.net.httpserver.HttpServer;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.auth.SigningKey;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * What a gateway node is to a SMART vendor, for adapter tests without the whole gateway: an ephemeral signing key
 * and its public JWKS served over HTTP at {@code /.well-known/jwks.json} (the simulators fetch it, as vendors do).
 */
public final class GatewayIdentity implements AutoCloseable {
    private final SigningKey key = SigningKey.ephemeral();
    private final HttpServer server;

    public GatewayIdentity() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/.well-known/jwks.json", exchange -> {
            byte[] body = key.publicJwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public SigningKey key() {
        return key;
    }

    public URI jwksUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    public AdapterEnvironment env() {
        return env(Clock.systemUTC());
    }

    public AdapterEnvironment env(Clock clock) {
        return new AdapterEnvironment(key, this::jwksUrl, clock);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
