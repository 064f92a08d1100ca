package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Json;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Reads request bodies up to the configured limit, so a client sending too much gets its 413. Thread-safe. */
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
     * The body as JSON; null when it is missing, too large or not JSON (then the problem is added to {@code errors}
     * on pointer {@code ""}, except for a missing body, which the caller's parser reports).
     */
    JsonNode readJson(Context ctx, List<FieldError> errors) {
        byte[] body = read(ctx);
        if (body == null) {
            return null;
        }
        // An empty body is the callers' parsers' to report (as a missing object), in their words.
        return body.length == 0 ? Json.MAPPER.missingNode() : Json.parse(body, errors);
    }

    /** The body, or null when it is larger than the limit (checked before and while reading). */
    byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > maxBytes) {
                drainModestExcess(ctx, in, declared);
                return null;
            }
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                drainModestExcess(ctx, in, -1);
                return null;
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
