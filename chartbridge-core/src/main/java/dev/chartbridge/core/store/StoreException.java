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
}
