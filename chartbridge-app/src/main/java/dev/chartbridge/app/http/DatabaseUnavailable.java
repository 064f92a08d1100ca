package dev.chartbridge.app.http;

/**
 * The API's answer when the database cannot be reached ({@code StoreException.unreachable}: no connection within the
 * API's wait, the server gone mid-query, shutting down): a 503 with {@code Retry-After}, a client should try again.
 */
final class DatabaseUnavailable {
    /** Seconds a client is asked to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 2;

    private DatabaseUnavailable() {
    }
}
