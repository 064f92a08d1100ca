package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An app's webhook endpoint for tests: a real HTTP server (JDK {@code HttpServer}) on loopback that verifies every
 * request the Standard Webhooks way, written here from the specification (standard-webhooks/standard-webhooks,
 * spec/standard-webhooks.md, "Signature scheme", "Webhook headers", "Verifying signatures") without the gateway's
 * code: the key is the base64-decoded part of the secret after {@code whsec_}; the signed content is
 * {@code webhook-id + "." + webhook-timestamp + "." + body}; {@code webhook-signature} is a space-delimited list of
 * {@code v1,<base64 HMAC-SHA256>}, any of which may match (constant-time comparison); the timestamp must be within
 * five minutes. It answers 503 to the first {@code failFirst} requests, 500 to all on a path ending {@code /down},
 * 204 otherwise, and keeps what it received. Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** One request as received, with whether its signature and timestamp held. */
    record Received(String path, String deliveryId, String webhookId, String timestamp, String signature,
                    String body, boolean signatureValid, int answered, String traceparent) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final AtomicInteger failFirst;
    private final List<Received> received = new ArrayList<>();
    private volatile String secret;

    WebhookReceiver(int failFirst) {
        this.failFirst = new AtomicInteger(failFirst);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Fast webhook settings for tests, with loopback allowed: every receiver here listens on 127.0.0.1, which the
     * gateway refuses by default (a test-only allowlist; production configurations allow no such thing).
     */
    static GatewayConfig.WebhookConfig fastLoopback() {
        return new GatewayConfig.WebhookConfig(4, 50L, 200L, 2_000L, List.of("127.0.0.0/8", "::1/128"), null);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The signing secret the gateway returned at registration (shown once). */
    void secret(String secret) {
        this.secret = secret;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String id = ex.getRequestHeaders().getFirst("webhook-id");
        String timestamp = ex.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = ex.getRequestHeaders().getFirst("webhook-signature");
        boolean valid = verify(secret, id, timestamp, signature, body, Instant.now());
        int status = !valid ? 401 : ex.getRequestURI().getPath().endsWith("/down") ? 500
                : failFirst.getAndDecrement() > 0 ? 503 : 204;
        synchronized (received) {
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst(
                    "ChartBridge-Delivery"), id, timestamp, signature, body, valid, status,
                    ex.getRequestHeaders().getFirst("traceparent")));
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    /** The receiver's check, as the Standard Webhooks specification describes it. */
    static boolean verify(String secret, String id, String timestamp, String signatures, String body, Instant now) {
        if (secret == null || id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
            return false;
        }
        long sent;
        try {
            sent = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Duration.between(Instant.ofEpochSecond(sent), now).abs().compareTo(TOLERANCE) > 0) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())),
                    "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
        for (String versioned : signatures.split(" ")) {
            int comma = versioned.indexOf(',');
            if (comma < 0 || !versioned.substring(0, comma).equals("v1")) {
                continue;
            }
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned.substring(comma + 1)))) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not base64: this one does not match; another may
            }
        }
        return false;
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until a received request matches; fails the test after the timeout. */
    Received await(Predicate<Received> condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (Received r : received()) {
                if (condition.test(r)) {
                    return r;
                }
            }
            TestGateway.sleep(50);
        }
        throw new AssertionError("no matching webhook request in " + timeout + "; received: " + received());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
