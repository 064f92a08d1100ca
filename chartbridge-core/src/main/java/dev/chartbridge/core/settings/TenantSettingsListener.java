package dev.chartbridge.core.settings;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Keeps a node's {@link TenantSettingsCache} close to the database: LISTENs, on a connection of its own, to the
 * notices the database sends when a transaction that changed a tenant's release controls or webhooks commits
 * (migration V70_1), and drops that tenant's copy. When the connection is lost, notices may have been missed:
 * every copy is dropped, and dropped again once listening resumes. Correctness does not rest on it (a stale copy is
 * caught by intake's insert, see {@link TenantSettings}); it keeps stale copies rare. Thread-safe; close it once.
 */
public final class TenantSettingsListener implements AutoCloseable {
    /** The channel the trigger of migration V70_1 notifies, with the tenant's id as payload. */
    public static final String CHANNEL = "chartbridge_tenant_settings";
    /** The application name of the listening connection, so an operator (or a test) can find it. */
    public static final String APPLICATION_NAME = "chartbridge-settings-listener";
    private static final Logger LOG = LoggerFactory.getLogger(TenantSettingsListener.class);
    private static final int POLL_MS = 500;
    /** How often the listening connection is asked whether it still answers. */
    private static final Duration VALIDATE_EVERY = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Opens a new connection that is not part of any pool: the listener holds it as long as it runs. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final TenantSettingsCache cache;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;

    private TenantSettingsListener(ConnectionSource source, TenantSettingsCache cache) {
        this.source = source;
        this.cache = cache;
        this.thread = new Thread(this::run, "tenant-settings-listener");
        thread.setDaemon(true);
    }

    /** Starts listening in a daemon thread of its own. */
    public static TenantSettingsListener start(ConnectionSource source, TenantSettingsCache cache) {
        TenantSettingsListener listener = new TenantSettingsListener(source, cache);
        listener.thread.start();
        return listener;
    }

    /** Whether the listener holds a connection that LISTENs now (for tests and health). */
    public boolean listening() {
        return listening;
    }

    private void run() {
        long backoffMs = 100;
        while (!closed) {
            try (Connection c = source.open()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    s.execute("LISTEN " + CHANNEL);
                }
                // Whatever changed while nobody listened.
                cache.dropAll();
                listening = true;
                backoffMs = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextCheck = System.nanoTime() + VALIDATE_EVERY.toNanos();
                while (!closed) {
                    PGNotification[] notices = pg.getNotifications(POLL_MS);
                    if (notices != null) {
                        for (PGNotification n : notices) {
                            cache.drop(n.getParameter());
                        }
                    }
                    // getNotifications throws when the server ends the session, but a half-open connection (a
                    // network drop, a failover) stays silent: ask the server now and then.
                    if (System.nanoTime() - nextCheck > 0) {
                        if (!c.isValid(2)) {
                            throw new SQLException("the listening connection no longer answers");
                        }
                        nextCheck = System.nanoTime() + VALIDATE_EVERY.toNanos();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                cache.dropAll();
                if (!closed) {
                    LOG.warn("tenant settings: listening connection lost ({}); every cached copy dropped,"
                            + " reconnecting in {} ms", e.getMessage(), backoffMs);
                    sleep(backoffMs);
                    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
                }
            }
        }
        listening = false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
