package dev.chartbridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.client.ApiClient;
import dev.chartbridge.client.ApiException;
import dev.chartbridge.client.api.EventsApi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A client of one gateway's HTTP API. Valid events go through the client generated from the OpenAPI document
 * ({@code chartbridge-client}), as an app would send them; {@link #post} sends raw bytes and headers for the fuzz
 * cases no typed client can produce. Thread-safe (one {@link HttpClient} each, HTTP/1.1, keep-alive).
 */
final class Api {
    private static final ObjectMapper JSON = ApiClient.createDefaultObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI events;
    private final EventsApi client;

    Api(int port) {
        this.events = URI.create("http://127.0.0.1:" + port + "/v1/events");
        ApiClient generated = new ApiClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)), JSON, "http://127.0.0.1:" + port);
        generated.setReadTimeout(Duration.ofSeconds(60));
        generated.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + Node.KEY));
        this.client = new EventsApi(generated);
    }

    /** An answer: status and body text. */
    record Answer(int status, String body) {
    }

    /**
     * Submits a valid event with the bench key through the generated client; returns the HTTP status, or -1 when
     * no answer came.
     */
    int submit(byte[] body) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(body);
            return client.submitEventWithHttpInfo(event, UUID.randomUUID().toString(), null, null, null, null)
                    .getStatusCode();
        } catch (ApiException e) {
            return e.getCode() == 0 ? -1 : e.getCode();
        } catch (IOException e) {
            throw new IllegalArgumentException("a bench body is not JSON", e);
        }
    }

    Answer post(byte[] body, Map<String, String> headers) {
        // The JDK client would send a non-ASCII header value as '?': such headers go over the plain socket too.
        if (body.length > 1_000_000 || headers.values().stream().anyMatch(v -> v.chars().anyMatch(c -> c > 0x7e))) {
            return postLarge(body, headers);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    /**
     * Sends a large body over a plain socket the way a careful client does: headers first, then a short wait for
     * an early refusal (a server may answer 413 from the Content-Length alone and close), then the body. This
     * reads the answer the JDK client would lose to the connection reset.
     */
    private Answer postLarge(byte[] body, Map<String, String> headers) {
        try (java.net.Socket socket = new java.net.Socket(events.getHost(), events.getPort())) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder("POST " + events.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            var out = socket.getOutputStream();
            var in = socket.getInputStream();
            out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            long until = System.currentTimeMillis() + 1000;
            while (in.available() == 0 && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            if (in.available() == 0) {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    // refused while sending: the answer, if any, is still readable below
                }
            }
            String raw = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(raw.substring(9, 12));
            int split = raw.indexOf("\r\n\r\n");
            return new Answer(status, split < 0 ? "" : raw.substring(split + 4));
        } catch (IOException | RuntimeException e) {
            return new Answer(-1, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }
}
