package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.openapi.ApiContract;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A small client for a gateway's HTTP API on a loopback port, with the test tenant's key. Every answer it receives
 * is checked against the served OpenAPI document ({@link ApiContract}): an answer the document does not describe
 * (an undeclared status or content type, a body that breaks the schema) fails the test that received it.
 */
public class ApiClient {
    private final int port;
    private final String key;
    private final HttpClient http = HttpClient.newHttpClient();
    private final java.util.function.Supplier<String> userAssertion;

    public ApiClient(int port) {
        this(port, TestGateway.KEY);
    }

    public ApiClient(int port, String key) {
        this(port, key, null);
    }

    /**
     * A client that sends a fresh {@code X-User-Assertion} from {@code userAssertion} with every request that does
     * not carry one (each assertion is accepted once).
     */
    public ApiClient(int port, String key, java.util.function.Supplier<String> userAssertion) {
        this.port = port;
        this.key = key;
        this.userAssertion = userAssertion;
    }

    /** An API answer: status, headers and the JSON body. */
    public record Answer(int status, Map<String, List<String>> headers, JsonNode body, String text) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public Answer submit(ObjectNode event, String idempotencyKey) {
        return submit(TestGateway.bytes(event), "application/json", idempotencyKey, key);
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

    /** A second clinician (Samuel Okafor, pharmacist, in every simulator's seed) approves a held write. */
    public Answer approve(String eventId) {
        String body = "{\"approverNpi\":\"1245319599\",\"role\":\"pharmacist\","
                + "\"statement\":\"Reviewed and approved.\"}";
        return send(HttpRequest.newBuilder(uri("/v1/events/" + eventId + "/approvals"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Answer status(String eventId) {
        return send(HttpRequest.newBuilder(uri("/v1/events/" + eventId)).header("Authorization", "Bearer " + key)
                .GET().build());
    }

    /** {@code GET /v1/review} with a query string such as {@code "?state=MODIFIED"} (or {@code ""}). */
    public Answer review(String query) {
        return send(HttpRequest.newBuilder(uri("/v1/review" + query)).header("Authorization", "Bearer " + key)
                .GET().build());
    }

    /** {@code POST /v1/review/{operationId}/actions} with a JSON body. */
    public Answer reviewAction(String operationId, String body) {
        return send(HttpRequest.newBuilder(uri("/v1/review/" + operationId + "/actions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** {@code POST /v1/review/retry} (bulk retry of DEAD or REJECTED writes) with a JSON body. */
    public Answer reviewRetry(String body) {
        return send(HttpRequest.newBuilder(uri("/v1/review/retry"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** {@code PUT /v1/release-controls} with a JSON body, with this client's key. */
    public Answer putReleaseControl(String body) {
        return send(HttpRequest.newBuilder(uri("/v1/release-controls"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** {@code GET path} with this client's key. */
    public Answer getWithKey(String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).GET().build());
    }

    /** Submits with extra request headers (name, value pairs). */
    public Answer submitWithHeaders(ObjectNode event, String idempotencyKey, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.bytes(event)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header("Idempotency-Key", idempotencyKey);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** A call with the tenant's key: {@code method} on {@code path}, with a JSON body or none (null). */
    public Answer call(String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody)).build());
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
            TestGateway.sleep(50);
        }
        throw new AssertionError("event " + eventId + " did not reach the expected state in " + timeout + ": " + last);
    }

    public JsonNode awaitSettled(String eventId) {
        return await(eventId, s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
    }

    public Answer send(HttpRequest request) {
        if (userAssertion != null && request.headers().firstValue("X-User-Assertion").isEmpty()) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("X-User-Assertion", userAssertion.get()).build();
        }
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            conforms(request, r);
            String type = r.headers().firstValue("Content-Type").orElse("");
            boolean json = type.contains("json") && !type.contains("ndjson");
            JsonNode body = json && !r.body().isEmpty() ? Json.MAPPER.readTree(r.body()) : null;
            return new Answer(r.statusCode(), r.headers().map(), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void conforms(HttpRequest request, HttpResponse<String> r) {
        List<String> wrong = ApiContract.document().violations(request.method(), request.uri().getRawPath(),
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        if (!wrong.isEmpty()) {
            throw new AssertionError("the answer does not match openapi.yaml:\n  " + String.join("\n  ", wrong)
                    + "\n  body: " + r.body());
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

}
