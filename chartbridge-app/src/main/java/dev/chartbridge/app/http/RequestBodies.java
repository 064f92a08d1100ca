package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import io.javalin.http.Context;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads request bodies up to the configured limit, so a client sending too much gets its 413; decodes
 * {@code Content-Encoding: gzip} under the same limit. Thread-safe.
 */
final class RequestBodies {
    private final long maxBytes;

    RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The largest body taken, in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    /**
     * The body as JSON; null when it is not JSON (then the problem is added to {@code errors} on pointer
     * {@code ""}); a missing node for an empty body, which the caller's parser reports.
     *
     * @throws BodyRejected as {@link #read}
     */
    JsonNode readJson(Context ctx, List<FieldError> errors) {
        byte[] body = read(ctx);
        // An empty body is the callers' parsers' to report (as a missing object), in their words.
        return body.length == 0 ? Json.MAPPER.missingNode() : Json.parse(body, errors);
    }

    /**
     * The body, decoded from its {@code Content-Encoding} ({@code gzip} or {@code identity}); the limit applies to
     * the body as sent and again after decompression, so a small gzip bomb is refused like a large body.
     *
     * @throws BodyRejected 413 when larger than the limit, 415 for another content coding, 400 for broken gzip
     */
    byte[] read(Context ctx) {
        boolean gzip = gzipped(ctx.header("Content-Encoding"));
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > maxBytes) {
                drainModestExcess(ctx, in, declared);
                throw tooLarge("");
            }
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                drainModestExcess(ctx, in, -1);
                throw tooLarge("");
            }
            return gzip ? gunzip(bytes) : bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the coding is gzip (false for none or identity); any other coding, or several, is a 415. */
    private static boolean gzipped(String coding) {
        if (coding == null || coding.isBlank() || coding.trim().equalsIgnoreCase("identity")) {
            return false;
        }
        String c = coding.trim().toLowerCase(java.util.Locale.ROOT);
        if (c.equals("gzip") || c.equals("x-gzip")) {
            return true;
        }
        throw new BodyRejected(Problem.of(415, "unsupported-content-encoding", "Unsupported content encoding",
                "send the body plain or gzip-compressed (Content-Encoding: gzip)")
                .naming("header:Content-Encoding", "must be gzip or identity"));
    }

    private byte[] gunzip(byte[] compressed) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(" after decompression");
            }
            return bytes;
        } catch (IOException e) {
            throw new BodyRejected(Problem.of(400, "invalid-content-encoding", "Invalid content encoding",
                    "the body is not valid gzip").naming("header:Content-Encoding",
                    "says gzip, but the body does not decompress"));
        }
    }

    private BodyRejected tooLarge(String when) {
        return new BodyRejected(Problem.of(413, "too-large", "Request too large",
                "the body must be at most " + maxBytes + " bytes" + when)
                .naming("", "must be at most " + maxBytes + " bytes" + when));
    }

    /**
     * Reads and discards what a handler left unread of the request body (an answer given before the body was read: a
     * 401, a 429 for too many failed authentications, a 403), within the same bound as {@link #read}: a client still
     * sending when such an answer goes out would otherwise see a reset instead of the answer (found by the fuzz
     * benchmark: a 106 KB body answered 429 got no answer at all). A body already read costs nothing here.
     */
    void discardUnread(Context ctx) {
        if ("close".equalsIgnoreCase(ctx.res().getHeader("Connection"))) {
            return;
        }
        try {
            drainModestExcess(ctx, ctx.req().getInputStream(), ctx.req().getContentLengthLong());
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the body was taken as a reader: nothing left to protect.
            ctx.header("Connection", "close");
        }
    }

    /**
     * A client still sending when the 413 goes out sees a reset instead of the answer. A body up to four times the
     * limit is read and discarded so the client gets its 413; anything larger is cut off and the connection closed.
     */
    private void drainModestExcess(Context ctx, InputStream in, long declared) throws IOException {
        long cap = 4 * maxBytes;
        if (declared > cap) {
            ctx.header("Connection", "close");
            return;
        }
        long skipped = 0;
        byte[] sink = new byte[64 * 1024];
        for (int n; skipped <= cap && (n = in.read(sink)) > 0; ) {
            skipped += n;
        }
        if (skipped > cap) {
            ctx.header("Connection", "close");
        }
    }
}
