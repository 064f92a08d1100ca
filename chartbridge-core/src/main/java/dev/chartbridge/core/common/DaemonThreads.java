package dev.chartbridge.core.common;

import java.util.concurrent.ThreadFactory;

/** Daemon threads named for the work they do, for the gateway's background services. Thread-safe. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return r -> of(r, name);
    }

    public static Thread of(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
