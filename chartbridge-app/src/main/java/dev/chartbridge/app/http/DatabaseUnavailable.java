package dev.chartbridge.app.http;

import dev.chartbridge.core.store.StoreException;

/**
 * Tells a failure of the database link (no connection within the API's wait, the server gone mid-query, shutting
 * down) from a fault of the request: the former is a 503 with {@code Retry-After}, a client should try again.
 * Stateless.
 */
final class DatabaseUnavailable {
    /** Seconds a client is asked to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 2;

    private DatabaseUnavailable() {
    }

    /** Whether {@code e} or a cause of it says the database cannot be reached ({@link StoreException#unreachable}). */
    static boolean is(Throwable e) {
        return StoreException.unreachable(e);
    }
}
