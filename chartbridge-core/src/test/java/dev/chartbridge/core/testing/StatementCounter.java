package dev.chartbridge.core.testing;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts the round trips a piece of code makes to PostgreSQL: every statement executed through a wrapped
 * {@link DataSource} and every commit or rollback (pgjdbc sends {@code BEGIN} with a transaction's first
 * statement, so beginning costs no round trip of its own). The SQL of each is kept in order, so a failing count
 * says which statements ran. A plain JDK proxy, not a mock: every call reaches the real driver. Thread-safe.
 */
public final class StatementCounter {
    private final List<String> statements = new CopyOnWriteArrayList<>();

    /** The data source whose connections count into this counter. */
    public DataSource wrap(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    /** The statements (and {@code COMMIT}/{@code ROLLBACK}) counted since the last {@link #reset()}. */
    public List<String> statements() {
        return List.copyOf(statements);
    }

    public int count() {
        return statements.size();
    }

    public void reset() {
        statements.clear();
    }

    private Connection connection(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("commit") || name.equals("rollback")) {
                        statements.add(name.toUpperCase());
                    }
                    Object result = invoke(real, method, args);
                    if (result instanceof Statement s) {
                        String sql = name.startsWith("prepare") && args != null && args[0] instanceof String q ? q : null;
                        return statement(s, sql);
                    }
                    return result;
                });
    }

    private Statement statement(Statement real, String preparedSql) {
        Class<?>[] types = interfacesOf(real);
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                statements.add(preparedSql != null ? preparedSql
                        : args != null && args.length > 0 && args[0] instanceof String q ? q : "?");
            }
            return invoke(real, method, args);
        };
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), types, h);
    }

    /** Statement, PreparedStatement or CallableStatement: whichever the driver's object implements. */
    private static Class<?>[] interfacesOf(Statement s) {
        if (s instanceof java.sql.CallableStatement) {
            return new Class<?>[]{java.sql.CallableStatement.class};
        }
        return s instanceof java.sql.PreparedStatement ? new Class<?>[]{java.sql.PreparedStatement.class}
                : new Class<?>[]{Statement.class};
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
