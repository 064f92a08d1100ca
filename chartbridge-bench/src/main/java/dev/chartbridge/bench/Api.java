package dev.chartbridge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A client of one gateway's HTTP API. Thread-safe (one shared {@link HttpClient}, HTTP/1.1, keep-alive). */
final class Api {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI events;

    Api(int port) {
        this.events = URI.create("http://127.0.0.1:" + port + "/v1/events");
    }

    /** An answer: status and body text. */
    record Answer(int status, String body) {
    }

    /** Submits a valid event with the bench key; returns the HTTP status. */
    int submit(byte[] body) {
        return post(body, Map.of("Content-Type", "application/json", "Authorization", "Bearer " + Node.KEY,
                "Idempotency-Key", UUID.randomUUID().toString())).status();
    }

    Answer post(byte[] body, Map<String, String> headers) {
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
}
