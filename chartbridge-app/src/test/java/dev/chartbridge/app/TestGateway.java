package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real gateway node for a test: the real {@link Gateway} on a test database, pointed at a simulator, with an
 * API key, and a small HTTP client for its API. Several may share one database (that is how nodes scale out).
 */
public final class TestGateway implements AutoCloseable {
    public static final String TENANT = "acme";
    public static final String TARGET = "ehr";
    public static final String KEY = "cbk_test_key_acme_0123456789";

    private final Gateway gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Fast retries and reconciliation, a short lease, read timeout 2 s. */
    public static GatewayConfig.DeliveryConfig fastDelivery() {
        return new GatewayConfig.DeliveryConfig(6, 50L, 500L, 3_000L, 100L, true);
    }

    public static TestGateway start(String jdbcUrl, String ehrUrl, String node) {
        return start(jdbcUrl, ehrUrl, node, fastDelivery(), 8);
    }

    public static TestGateway start(String jdbcUrl, String ehrUrl, String node,
                                    GatewayConfig.DeliveryConfig delivery, int concurrency) {
        return new TestGateway(Gateway.start(config(jdbcUrl, ehrUrl, node, delivery, concurrency)));
    }

    public static GatewayConfig config(String jdbcUrl, String ehrUrl, String node,
                                       GatewayConfig.DeliveryConfig delivery, int concurrency) {
        try {
            Path keyFile = Files.createTempFile("chartbridge-key", ".txt");
            Files.writeString(keyFile, KEY);
            keyFile.toFile().deleteOnExit();
            return new GatewayConfig(
                    new GatewayConfig.DatabaseConfig(jdbcUrl, "postgres", null, null, null, 16),
                    new GatewayConfig.HttpConfig("127.0.0.1", 0, null), delivery, node,
                    List.of(new GatewayConfig.TenantConfig(TENANT, "Acme Clinics",
                                    List.of(new GatewayConfig.ApiKeyConfig("tests", null, keyFile.toString())),
                                    List.of(new GatewayConfig.ConnectionConfig(TARGET, "fhir-r4", ehrUrl, concurrency,
                                            2_000L))),
                            new GatewayConfig.TenantConfig("other", "Other Health", List.of(), List.of())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    /** An API answer: status, headers and the JSON body. */
    public record Answer(int status, Map<String, List<String>> headers, JsonNode body, String text) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public Answer submit(ObjectNode event, String idempotencyKey) {
        return submit(bytes(event), "application/json", idempotencyKey, KEY);
    }

    public Answer submit(byte[] body, String contentType, String idempotencyKey, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return send(b.build());
    }

    public Answer status(String eventId) {
        return send(HttpRequest.newBuilder(uri("/v1/events/" + eventId)).header("Authorization", "Bearer " + KEY)
                .GET().build());
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** Polls the event until its status satisfies the condition; fails the test after the timeout. */
    public JsonNode await(String eventId, Predicate<JsonNode> condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = status(eventId).body();
            if (condition.test(last)) {
                return last;
            }
            sleep(50);
        }
        throw new AssertionError("event " + eventId + " did not reach the expected state in " + timeout + ": " + last);
    }

    public JsonNode awaitSettled(String eventId) {
        return await(eventId, s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            boolean json = r.headers().firstValue("Content-Type").orElse("").contains("json");
            JsonNode body = json && !r.body().isEmpty() ? Json.MAPPER.readTree(r.body()) : null;
            return new Answer(r.statusCode(), r.headers().map(), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    static byte[] bytes(ObjectNode event) {
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
