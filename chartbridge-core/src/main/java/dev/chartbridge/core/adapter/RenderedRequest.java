package dev.chartbridge.core.adapter;

import java.util.Map;

/**
 * The request an adapter would send for one write, exactly as it would leave the gateway: method, path (relative
 * to the connection's base, as the adapter addresses it), the headers that carry meaning for the write (never a
 * credential: tokens are left out or masked), content type and body. Shown for writes in shadow mode. It holds
 * clinical content: it is stored and shown through the API, never logged. Immutable.
 */
public record RenderedRequest(String method, String path, Map<String, String> headers, String contentType,
                              String body) {
    public RenderedRequest {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
