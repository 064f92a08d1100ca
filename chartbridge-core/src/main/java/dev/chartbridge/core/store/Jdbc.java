package dev.chartbridge.core.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one database transaction: commits when the work returns, rolls back when it throws.
 * Thread-safe; each call takes its own connection from the pool.
 */
public final class Jdbc {
    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Work done with a connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /**
     * Read-only work that sees one consistent snapshot across all its statements (REPEATABLE READ), for views
     * assembled from several queries: read separately, a write committing in between could show a state
     * without the attempt that led to it.
     */
    public <T> T snapshot(Work<T> work) {
        return inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            return work.run(c);
        });
    }

    /**
     * Work of exactly one statement, which may write: autocommit makes the statement its own transaction, committed
     * when it completes, without the separate COMMIT round trip of {@link #inTransaction}.
     */
    public <T> T oneStatement(Work<T> work) {
        return read(work);
    }

    /** Read-only work in autocommit mode. */
    public <T> T read(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
