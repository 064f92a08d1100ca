package dev.chartbridge.app.http;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the API listens: address, read timeouts (idle, whole headers, whole body; see
 * {@link SlowRequestGuard}), and optionally TLS from PEM files ({@link PemKeyStore}). With TLS the one listener
 * speaks HTTPS only; without it, plain HTTP, and a reverse proxy must terminate TLS in front (see
 * {@code docs/security.md}). Immutable.
 *
 * @param certificateChain PEM certificate chain, leaf first; null for plain HTTP
 * @param privateKey       PEM PKCS#8 private key of the leaf; null for plain HTTP
 */
public record ApiListener(String host, int port, Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout,
                          Path certificateChain, Path privateKey) {
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEADERS = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY = Duration.ofSeconds(20);

    /** Plain HTTP with the default timeouts. */
    public static ApiListener plain(String host, int port) {
        return new ApiListener(host, port, DEFAULT_IDLE, DEFAULT_HEADERS, DEFAULT_BODY, null, null);
    }

    public boolean tls() {
        return certificateChain != null;
    }

    /** The Jetty connector of this listener on {@code server}, with the API's HTTP configuration. */
    ServerConnector connector(Server server, HttpConfiguration http) {
        ServerConnector connector;
        if (tls()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemKeyStore.load(certificateChain, privateKey));
            ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients may reach the node by address; the certificate is the operator's
            http.addCustomizer(secure);
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        return connector;
    }
}
