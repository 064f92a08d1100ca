package dev.chartbridge.app.http;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

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

    /** Whether {@code e} or a cause of it says the database cannot be reached. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }
}
