package dev.chartbridge.core.store;

import dev.chartbridge.core.ChartBridgeException;

import java.sql.SQLException;

/** The database failed or refused a statement. Carries the SQLState; the message holds no row data. */
public final class StoreException extends ChartBridgeException {
    public StoreException(SQLException cause) {
        super("database error " + cause.getSQLState() + ": " + cause.getMessage(), cause);
    }

    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }

    /**
     * Whether {@code e} or a cause of it says the database cannot be reached (no connection within the pool's wait,
     * the server gone mid-query, shutting down or starting), as opposed to a fault of the work: SQLSTATE class 08
     * and 57P01-57P03, or the driver's connection exceptions.
     */
    public static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }
}
