package dev.chartbridge.core.webhook;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One webhook POST over HTTP/1.1 to an address already checked by {@link ReceiverAddressPolicy}: the socket is
 * opened to that address (never to a fresh lookup of the host, which a rebinding DNS server could point
 * elsewhere), while the {@code Host} header, TLS server name (SNI) and certificate check use the URL's host.
 * The JDK's {@code HttpClient} resolves the host itself and offers no way to pin the address on Java 17, hence
 * this small client. Only the status line of the answer is read; redirects are not followed (a 3xx is a failed
 * attempt). Thread-safe (stateless apart from the TLS context).
 */
final class ReceiverPost {
    private static final int MAX_STATUS_LINE = 8 * 1024;

    /** How the POST ended: the answer's status, or why there is none. */
    record Outcome(Integer status, boolean timedOut) {
    }

    private final SSLContext tls;

    ReceiverPost(SSLContext tls) {
        this.tls = tls;
    }

    /**
     * @param addresses the checked addresses of the URL's host, tried in order until one accepts the connection
     * @throws IOException when no address could be reached or the exchange failed before a status line came
     *                     (a timeout is an outcome, not an exception)
     */
    Outcome post(URI url, List<InetAddress> addresses, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        Instant deadline = Instant.now().plus(timeout);
        IOException last = new IOException("no address to connect to");
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
            } catch (SocketTimeoutException e) {
                socket.close();
                return new Outcome(null, true);
            } catch (IOException e) {
                socket.close();
                last = e;
                continue;
            }
            try (Socket s = https ? secure(socket, url.getHost(), port) : socket) {
                s.setSoTimeout(remainingMillis(deadline));
                return exchange(s, url, port, https, headers, body);
            } catch (SocketTimeoutException e) {
                return new Outcome(null, true);
            }
        }
        throw last;
    }

    private Socket secure(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static Outcome exchange(Socket s, URI url, int port, boolean https, Map<String, String> headers,
                                    byte[] body) throws IOException {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        boolean defaultPort = url.getPort() == -1 || port == (https ? 443 : 80);
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(defaultPort ? "" : ":" + port).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        OutputStream out = s.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return new Outcome(statusOf(readStatusLine(s.getInputStream())), false);
    }

    private static String readStatusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= MAX_STATUS_LINE) {
                throw new IOException("status line too long");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1).trim();
    }

    /** {@code HTTP/1.1 204 No Content} gives 204. */
    static int statusOf(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP/1.x answer");
        }
        return Integer.parseInt(parts[1]);
    }

    private static int remainingMillis(Instant deadline) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }
}
