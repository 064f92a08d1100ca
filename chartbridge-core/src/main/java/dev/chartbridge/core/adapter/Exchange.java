package dev.chartbridge.core.adapter;

/**
 * What the adapter sent and got for one call, for the attempt ledger: a short request description (method and
 * path, no PHI), a SHA-256 digest of the request body, and the HTTP status (0 when no response arrived).
 */
public record Exchange(String request, String requestDigest, int httpStatus) {
    public static Exchange none() {
        return new Exchange(null, null, 0);
    }
}
