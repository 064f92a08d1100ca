package dev.chartbridge.app.hapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port that a test controls: it forwards bytes both ways to a target port, and on
 * {@link #refuse()} stops listening (a new connection is refused by the operating system, as when a server is
 * down) and resets every connection it holds (so that a client's pooled keep-alive connections fail too), until
 * {@link #restore()} listens again on the same port. Thread-safe; {@link #close()} is idempotent.
 */
public final class LoopbackProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private ServerSocket listener;

    private LoopbackProxy(int targetPort) {
        this.targetPort = targetPort;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        listen(listener);
    }

    /** A proxy on a free loopback port forwarding to {@code targetPort} on loopback. */
    public static LoopbackProxy to(int targetPort) {
        return new LoopbackProxy(targetPort);
    }

    /** The port clients connect to; the same after {@link #restore()}. */
    public int port() {
        return port;
    }

    /** How many connections the proxy has accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Stops listening (new connections are refused) and resets every connection it holds. */
    public synchronized void refuse() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
        for (Socket s : open) {
            reset(s);
        }
    }

    /** Listens again on the same port. */
    public synchronized void restore() {
        if (listener == null) {
            listener = bind(port);
            listen(listener);
        }
    }

    @Override
    public void close() {
        refuse();
        pumps.shutdownNow();
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback port " + port, e);
        }
    }

    private void listen(ServerSocket server) {
        pumps.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    accepted.incrementAndGet();
                    forward(client);
                } catch (IOException e) {
                    return; // closed by refuse() or close()
                }
            }
        });
    }

    private void forward(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
            reset(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        pumps.execute(() -> pump(client, upstream));
        pumps.execute(() -> pump(upstream, client));
    }

    /** Copies one direction until it ends, then ends the other side's writing the same way. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            reset(to);
        } finally {
            open.remove(from);
        }
    }

    /** Closes with SO_LINGER 0, so that the peer sees a reset rather than an orderly end. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to release
        }
    }
}
