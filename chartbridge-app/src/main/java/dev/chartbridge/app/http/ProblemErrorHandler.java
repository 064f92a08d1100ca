package dev.chartbridge.app.http;

import dev.chartbridge.core.json.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server's answer to what it refuses before the API sees the request (a header over the limit: 431, a
 * malformed request line: 400, a URI too long: 414): problem+json like every other error, never the server's HTML
 * page, and without the server's own words (they can name its internals). Thread-safe.
 */
final class ProblemErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        return ByteBuffer.wrap(body(status));
    }

    static byte[] body(int code) {
        Problem p = switch (code) {
            case 431 -> Problem.of(431, "header-too-large", "Request header fields too large",
                    "a request header (or all of them together) is over the 8 KiB limit");
            case 414 -> Problem.of(414, "uri-too-long", "URI too long", "the request target is over the limit");
            case 413 -> Problem.of(413, "too-large", "Request too large", "the request is over the limit");
            case 404 -> Problem.of(404, "not-found", "Not found", "no such resource");
            default -> Problem.of(code, code >= 500 ? "internal" : "bad-request",
                    HttpStatus.getMessage(code), code >= 500 ? "the request could not be completed"
                            : "the request is malformed");
        };
        try {
            return Json.MAPPER.writeValueAsString(p).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("problems always serialize", e);
        }
    }
}
