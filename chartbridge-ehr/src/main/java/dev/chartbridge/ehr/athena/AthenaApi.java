package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.TokenSource;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The athenaOne v1 API of one practice over HTTP/1.1: bearer token from a {@link TokenSource}, form-urlencoded
 * bodies, JSON answers. A 401 tells the token source the token was refused and repeats the call once with a fresh
 * token (a 401 means the call was not processed, so repeating even a POST cannot duplicate it). Nothing else is
 * ever repeated here. Thread-safe.
 */
final class AthenaApi {
    static final String FORM = "application/x-www-form-urlencoded";

    private final HttpClient http;
    private final String apiBase;
    private final TokenSource tokens;
    private final Duration readTimeout;

    AthenaApi(String apiBase, TokenSource tokens, Duration readTimeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.apiBase = apiBase;
        this.tokens = tokens;
        this.readTimeout = readTimeout;
    }

    /** An answer: HTTP status, the JSON body (null when it is not JSON) and the headers. */
    record Answer(int status, JsonNode body, HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * @param path below {@code /v1/{practiceid}}, e.g. {@code /chart/31001/problems}
     * @throws AuthException when no token can be had (nothing was sent to the chart)
     * @throws IOException   when no answer arrived (the request may or may not have been processed)
     */
    Answer get(String path) throws IOException {
        return call("GET", path, null);
    }

    Answer post(String path, String formBody) throws IOException {
        return call("POST", path, formBody);
    }

    /** A form PUT (athena's allergy list is written this way). */
    Answer put(String path, String formBody) throws IOException {
        return call("PUT", path, formBody);
    }

    /** A write with {@code method} (POST or PUT). */
    Answer write(String method, String path, String formBody) throws IOException {
        return call(method, path, formBody);
    }

    // evidence: athena.auth.bearer, athena.auth.expired-401
    private Answer call(String method, String path, String formBody) throws IOException {
        String token = tokens.token();
        Answer answer = once(method, path, formBody, token);
        if (answer.status() == 401) {
            tokens.refused(token);
            answer = once(method, path, formBody, tokens.token());
        }
        return answer;
    }

    private Answer once(String method, String path, String formBody, String token) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBase + path)).timeout(readTimeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (formBody == null) {
            request.GET();
        } else {
            // evidence: athena.request.form-urlencoded
            request.header("Content-Type", FORM).method(method, HttpRequest.BodyPublishers.ofString(formBody));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), parse(response.body()), response.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for athenahealth", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code a=1&b=2} in the given order, values URL-encoded as a browser form would. */
    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
