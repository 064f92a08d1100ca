package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts one JSON body to a Unity endpoint and reads the answer. Never retries by itself (a resent save is a
 * second record). Says whether a request that got no answer can have left. Thread-safe.
 */
// evidence: veradigm.unity.json-endpoint
final class UnityTransport {
    private final HttpClient http;
    private final String baseUrl;
    private final Duration readTimeout;

    UnityTransport(String baseUrl, Duration connectTimeout, Duration readTimeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.baseUrl = baseUrl;
        this.readTimeout = readTimeout;
    }

    sealed interface Reply {
    }

    /** An HTTP answer: its text, its JSON when it is JSON, and its {@code Retry-After} header (or null). */
    record Answer(int status, String text, JsonNode json, String retryAfter) implements Reply {
        /** Unity's error inside a 200: {@code [{"Error": "..."}]}; null when there is none. */
        String unityError() {
            JsonNode first = json != null && json.isArray() && !json.isEmpty() ? json.get(0) : null;
            return first != null && first.hasNonNull("Error") ? first.get("Error").asText() : null;
        }
    }

    /** No answer: {@code neverSent} when the request cannot have reached Unity. */
    record NoAnswer(boolean neverSent, String reason) implements Reply {
    }

    Reply post(String endpoint, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/" + endpoint)).timeout(readTimeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), parse(response.body()),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new NoAnswer(true, "could not connect (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            return new NoAnswer(false, "no answer (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            return new NoAnswer(true, "bad address (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NoAnswer(false, "interrupted");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
