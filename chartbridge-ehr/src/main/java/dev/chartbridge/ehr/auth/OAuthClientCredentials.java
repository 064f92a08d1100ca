package dev.chartbridge.ehr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OAuth 2.0 client-credentials grant against one token endpoint: asks for exactly the scopes given (the
 * least the tenant's enabled event types need) and reads {@code access_token} and {@code expires_in}.
 * Thread-safe; wrap it in a {@link CachingTokenSource}.
 */
public final class OAuthClientCredentials implements TokenFetcher {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String tokenUrl;
    private final ClientAuthentication client;
    private final List<String> scopes;
    private final Clock clock;

    public OAuthClientCredentials(String tokenUrl, ClientAuthentication client, List<String> scopes, Clock clock) {
        this.tokenUrl = tokenUrl;
        this.client = client;
        this.scopes = List.copyOf(scopes);
        this.clock = clock;
    }

    @Override
    public IssuedToken fetch() {
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        client.apply(tokenUrl, form, headers);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AuthException("unreachable", "token endpoint unreachable (" + e.getClass().getSimpleName() + ")",
                    true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthException("interrupted", "interrupted while fetching a token", true);
        }
        return read(response);
    }

    private IssuedToken read(HttpResponse<String> response) {
        JsonNode body = parse(response.body());
        if (response.statusCode() == 200 && body != null && body.hasNonNull("access_token")) {
            long seconds = body.path("expires_in").asLong(300);
            return new IssuedToken(body.get("access_token").asText(), clock.instant().plusSeconds(seconds),
                    body.hasNonNull("scope") ? body.get("scope").asText() : null);
        }
        String error = body != null && body.hasNonNull("error") ? body.get("error").asText() : "http-" + response.statusCode();
        String description = body != null && body.hasNonNull("error_description")
                ? body.get("error_description").asText() : "";
        boolean transientFailure = response.statusCode() == 429 || response.statusCode() >= 500;
        throw new AuthException(error, "token endpoint refused (" + response.statusCode() + " " + error
                + (description.isEmpty() ? "" : ": " + description) + ")", transientFailure);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
