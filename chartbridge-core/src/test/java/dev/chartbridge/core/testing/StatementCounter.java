package dev.chartbridge.core.testing;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A DataSource that counts what its connections send to the database: every statement executed (a batch counts
 * once: it is one round trip), every commit and rollback. A test implementation wrapping the real pool, so a test
 * can state how many statements a path costs. Thread-safe; counts of concurrent callers add up.
 */
public final class StatementCounter implements DataSource {
    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final DataSource pool;
    private final List<String> sent = new ArrayList<>();

    public StatementCounter(DataSource pool) {
        this.pool = pool;
    }

    /** What was sent since the last {@link #reset()}: the SQL of each execution, or COMMIT / ROLLBACK. */
    public synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    public synchronized int count() {
        return sent.size();
    }

    public synchronized void reset() {
        sent.clear();
    }

    private synchronized void record(String what) {
        sent.add(what);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counted(pool.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return counted(pool.getConnection(user, password));
    }

    private Connection counted(Connection c) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                new Forward(c, (method, args) -> {
                    if (method.getName().equals("commit") || method.getName().equals("rollback")) {
                        record(method.getName().toUpperCase());
                    }
                }, (method, args, result) -> {
                    if (result instanceof Statement s && method.getName().startsWith("prepare")) {
                        return statement(s, (String) args[0]);
                    }
                    return result instanceof Statement s ? statement(s, null) : result;
                }));
    }

    private Object statement(Statement s, String preparedSql) {
        Set<Class<?>> types = new java.util.LinkedHashSet<>(List.of(s.getClass().getInterfaces()));
        types.add(s instanceof java.sql.CallableStatement ? java.sql.CallableStatement.class
                : s instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class);
        return Proxy.newProxyInstance(getClass().getClassLoader(), types.toArray(Class<?>[]::new),
                new Forward(s, (method, args) -> {
                    if (EXECUTIONS.contains(method.getName())) {
                        record(preparedSql != null ? preparedSql : args != null && args.length > 0
                                ? String.valueOf(args[0]) : "batch");
                    }
                }, (method, args, result) -> result));
    }

    private interface Before {
        void call(Method method, Object[] args);
    }

    private interface After {
        Object call(Method method, Object[] args, Object result);
    }

    private record Forward(Object target, Before before, After after) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            before.call(method, args);
            try {
                return after.call(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool.isWrapperFor(iface);
    }
}
