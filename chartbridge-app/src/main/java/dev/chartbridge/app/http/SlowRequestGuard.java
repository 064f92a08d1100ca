package dev.chartbridge.app.http;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cuts requests that arrive too slowly (issue #15: slow requests held threads for up to 35 s each). Jetty's idle
 * timeout closes a connection only when no byte arrives for that long, so a client that sends one header byte a
 * second (slow-loris) keeps it forever; this guard bounds the whole reading of a request's headers and of its body
 * instead. It looks at every open connection of the API's connectors a few times per timeout and closes one whose
 * HTTP parser has been in the header (or body) phase of the same request longer than allowed; an idle keep-alive
 * connection between requests is the idle timeout's business. The parser's phase is read without locking: a
 * reading one sweep late only delays the cut by one sweep. Thread-safe; {@link #close()} stops the sweeps.
 */
final class SlowRequestGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlowRequestGuard.class);

    private enum Phase { HEADERS, BODY }

    /** Since when a connection's parser has been in a phase (identity of the parse: the message count). */
    private record Started(Phase phase, long message, long at) {
    }

    private final List<Connector> connectors;
    private final long headerNanos;
    private final long bodyNanos;
    private final Map<EndPoint, Started> started = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-request-guard");
        t.setDaemon(true);
        return t;
    });

    SlowRequestGuard(List<Connector> connectors, Duration headerTimeout, Duration bodyTimeout) {
        this.connectors = connectors;
        this.headerNanos = headerTimeout.toNanos();
        this.bodyNanos = bodyTimeout.toNanos();
        long every = Math.max(20, Math.min(headerTimeout.toMillis(), bodyTimeout.toMillis()) / 4);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            started.keySet().removeIf(e -> !e.isOpen());
            for (Connector c : connectors) {
                if (c instanceof AbstractConnector connector) {
                    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                        check(endPoint, now);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("checking for slow requests failed ({}); will retry", e.getClass().getSimpleName());
        }
    }

    private void check(EndPoint endPoint, long now) {
        HttpConnection http = httpConnection(endPoint.getConnection());
        if (http == null) {
            return;
        }
        HttpParser parser = http.getParser();
        Phase phase = parser.inHeaderState() && !parser.isStart() ? Phase.HEADERS
                : parser.inContentState() ? Phase.BODY : null;
        if (phase == null) {
            started.remove(endPoint);
            return;
        }
        long message = http.getMessagesIn();
        Started s = started.compute(endPoint, (k, was) -> was != null && was.phase() == phase
                && was.message() == message ? was : new Started(phase, message, now));
        long limit = phase == Phase.HEADERS ? headerNanos : bodyNanos;
        if (now - s.at() > limit) {
            started.remove(endPoint);
            LOG.info("closing a connection from {}: request {} not received within {} ms",
                    endPoint.getRemoteSocketAddress(), phase == Phase.HEADERS ? "headers" : "body",
                    TimeUnit.NANOSECONDS.toMillis(limit));
            endPoint.close();
        }
    }

    private static HttpConnection httpConnection(Connection connection) {
        if (connection instanceof SslConnection ssl) {
            connection = ssl.getSslEndPoint().getConnection();
        }
        return connection instanceof HttpConnection http ? http : null;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
