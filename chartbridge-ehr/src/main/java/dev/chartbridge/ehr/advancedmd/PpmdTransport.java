package dev.chartbridge.ehr.advancedmd;

import org.w3c.dom.Document;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Posts one {@code <ppmdmsg>} document as ISO-8859-1 and reads what came back. No cookie is ever sent: the session
 * travels inside the document. Never retries by itself (a resent action is a second record at AdvancedMD). Says
 * whether a request that got no answer can have left (connection refused: it did not). Thread-safe.
 */
// evidence: amd.request.encoding, amd.session.usercontext-child
final class PpmdTransport {
    static final String CONTENT_TYPE = "text/xml; charset=" + PpmdXml.ENCODING;
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
            return status == 200 && PpmdXml.results(doc) != null;
        }

        String faultCode() {
            String[] fault = PpmdXml.fault(doc);
            return fault == null ? null : fault[0];
        }

        String faultText() {
            String[] fault = PpmdXml.fault(doc);
            return fault == null ? null : fault[1];
        }
    }

    /** No answer: {@code neverSent} when the request cannot have reached AdvancedMD. */
    record NoAnswer(boolean neverSent, String reason) implements Reply {
    }

    /** Posts the document {@code xml} (ASCII only, see {@link PpmdXml#message}) to {@code url}. */
    Reply post(String url, String xml) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(readTimeout)
                    .header("Content-Type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(xml.getBytes(StandardCharsets.ISO_8859_1))).build();
        } catch (IllegalArgumentException e) {
            return new NoAnswer(true, "bad address (" + e.getClass().getSimpleName() + ")");
        }
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), PpmdXml.parse(response.body()),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new NoAnswer(true, "could not connect (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            return new NoAnswer(false, "no answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NoAnswer(false, "interrupted");
        }
    }
}
