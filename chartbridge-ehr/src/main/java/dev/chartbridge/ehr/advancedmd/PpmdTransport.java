package dev.chartbridge.ehr.advancedmd;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts one {@code <ppmdmsg>} and reads what came back. Never retries by itself (a resent action is a second
 * record at AdvancedMD). Says whether a request that got no answer can have left (connection refused: it did
 * not). Thread-safe.
 */
final class PpmdTransport {
    private final HttpClient http;
    private final Duration readTimeout;

    PpmdTransport(Duration connectTimeout, Duration readTimeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.readTimeout = readTimeout;
    }

    /** What one post got. */
    sealed interface Reply {
    }

    /** An HTTP answer; {@code doc} is null when the body is not XML, {@code retryAfter} when no such header came. */
    record Answer(int status, Document doc, String retryAfter) implements Reply {
        boolean success() {
            Element results = doc == null ? null : PpmdXml.first(doc, "Results");
            return status == 200 && results != null && "1".equals(results.getAttribute("success"))
                    && PpmdXml.first(doc, "Fault") == null;
        }

        String faultCode() {
            return doc == null ? null : PpmdXml.text(doc, "code");
        }

        String faultText() {
            return doc == null ? null : PpmdXml.text(doc, "description");
        }
    }

    /** No answer: {@code neverSent} when the request cannot have reached AdvancedMD. */
    record NoAnswer(boolean neverSent, String reason) implements Reply {
    }

    /** Posts {@code xml} to {@code url}, with the session cookie when {@code token} is not null. */
    Reply post(String url, String xml, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(readTimeout)
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(xml));
        if (token != null) {
            request.header("Cookie", "token=" + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), PpmdXml.parse(response.body()),
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
}
