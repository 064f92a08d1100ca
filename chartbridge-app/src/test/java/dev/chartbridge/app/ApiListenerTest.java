package dev.chartbridge.app;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's listener (issue #15, item 8): HTTPS from PEM files made at test time (a self-signed certificate from
 * the JDK's keytool), and slow requests cut. Every connection is to loopback.
 */
class ApiListenerTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static Path dir;
    static SSLContext client;
    static Certificate certificate;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("chartbridge-tls");
        KeyStore made = selfSigned(dir);
        Certificate cert = made.getCertificate("api");
        certificate = cert;
        Key key = made.getKey("api", "changeit".toCharArray());
        Files.writeString(dir.resolve("chain.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);

        GatewayConfig c = TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "tls-node",
                TestGateway.fastDelivery(), 8);
        GatewayConfig.HttpConfig http = new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null, 30_000L, 500L, 500L,
                new GatewayConfig.TlsConfig(dir.resolve("chain.pem").toString(), dir.resolve("key.pem").toString()));
        gateway = TestGateway.start(new GatewayConfig(c.database(), http, c.delivery(), c.node(), c.security(),
                c.tenants(), c.webhooks(), c.readBack()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void the_api_answers_over_tls_with_the_configured_certificate() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(client).build();
        HttpResponse<String> live = https.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + gateway.gateway().port() + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("up");
        assertThat(live.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(certificate);
    }

    @Test
    void headers_sent_a_byte_at_a_time_are_cut_though_the_connection_is_never_idle() throws Exception {
        assertThat(closedWhileDribbling("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", "a"))
                .as("closed before the generous bound").isTrue();
    }

    @Test
    void a_body_sent_a_byte_at_a_time_is_cut() throws Exception {
        assertThat(closedWhileDribbling("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type:"
                + " application/json\r\nContent-Length: 100000\r\nAuthorization: Bearer " + TestGateway.KEY
                + "\r\n\r\n{", " ")).as("closed before the generous bound").isTrue();
    }

    /**
     * Sends {@code head}, then {@code drip} every 50 ms (well inside the idle timeout of 30 s, so only the read
     * timeouts of 500 ms can cut it) until the server closes the connection or a generous 15 s pass.
     */
    private static boolean closedWhileDribbling(String head, String drip) throws IOException {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1",
                gateway.gateway().port())) {
            s.startHandshake();
            AtomicBoolean closed = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (InputStream in = s.getInputStream()) {
                    while (in.read() != -1) {
                        // an error answer may come before the close; read on until the end of the stream
                    }
                } catch (IOException e) {
                    // reset: closed as well
                }
                closed.set(true);
            });
            reader.setDaemon(true);
            reader.start();
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Instant bound = Instant.now().plusSeconds(15);
            while (!closed.get() && Instant.now().isBefore(bound)) {
                try {
                    out.write(drip.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    break; // the server closed: the reader will see it
                }
                TestGateway.sleep(50); // the pace of the slow client itself, not a wait for a result
            }
            while (!closed.get() && Instant.now().isBefore(bound)) {
                TestGateway.sleep(20);
            }
            return closed.get();
        }
    }

    /** A self-signed EC certificate for 127.0.0.1 and localhost, made by the JDK's keytool. */
    private static KeyStore selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("made.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
