package dev.chartbridge.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One malformed request: what kind, a short description, the body and the headers to send. */
record FuzzCase(String category, String description, byte[] body, Map<String, String> headers) {
    static Map<String, String> headers(String contentType, String authorization, String idempotencyKey) {
        Map<String, String> h = new LinkedHashMap<>();
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        if (authorization != null) {
            h.put("Authorization", authorization);
        }
        if (idempotencyKey != null) {
            h.put("Idempotency-Key", idempotencyKey);
        }
        return h;
    }

    static Map<String, String> valid() {
        return headers("application/json", "Bearer " + Node.KEY, null);
    }
}
