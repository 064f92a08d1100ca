package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chartbridge.core.intake.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An app's webhook endpoint for tests: a real HTTP server (JDK {@code HttpServer}) on loopback that checks every
 * request's {@code ChartBridge-Signature} the way a receiver would, written here from the documented scheme
 * (HMAC-SHA256 of {@code "t.body"}, timestamp within five minutes), without the gateway's code. It answers 503 to
 * the first {@code failFirst} requests, 500 to all on a path ending {@code /down}, 204 otherwise, and keeps what
 * it received. Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** One request as received, with whether its signature and timestamp held. */
    record Received(String path, String deliveryId, String signature, String body, boolean signatureValid,
                    int answered) {
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

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The signing secret the gateway returned at registration (shown once). */
    void secret(String secret) {
        this.secret = secret;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String signature = ex.getRequestHeaders().getFirst("ChartBridge-Signature");
        boolean valid = verify(secret, signature, body, Instant.now());
        int status = !valid ? 401 : ex.getRequestURI().getPath().endsWith("/down") ? 500
                : failFirst.getAndDecrement() > 0 ? 503 : 204;
        synchronized (received) {
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst(
                    "ChartBridge-Delivery"), signature, body, valid, status));
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    /** The receiver's check: {@code t=<unix>,v1=<hex>}, HMAC-SHA256 over {@code t + "." + body}, fresh timestamp. */
    static boolean verify(String secret, String header, String body, Instant now) {
        if (secret == null || header == null) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = part.substring(2);
            } else if (part.startsWith("v1=")) {
                v1 = part.substring(3);
            }
        }
        if (t == null || v1 == null) {
            return false;
        }
        long sent;
        try {
            sent = Long.parseLong(t);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Duration.between(Instant.ofEpochSecond(sent), now).abs().compareTo(TOLERANCE) > 0) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
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
