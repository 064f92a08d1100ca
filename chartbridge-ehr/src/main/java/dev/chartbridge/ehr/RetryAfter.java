package dev.chartbridge.ehr;

import java.time.Duration;

/**
 * An HTTP {@code Retry-After} header. When an EHR's answer carries one it is what the gateway waits at least,
 * whatever the vendor's documented default wait is: the server knows its own state best. Stateless.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    /** The wait a {@code Retry-After} in delta-seconds asks for; null when absent, negative or not a number. */
    public static Duration parse(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The explicit {@code Retry-After} when the answer carried one, else the vendor's own {@code otherwise}. */
    public static Duration orElse(String header, Duration otherwise) {
        Duration explicit = parse(header);
        return explicit != null ? explicit : otherwise;
    }
}
