package dev.chartbridge.core.webhook;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pinned POST against receivers on loopback only: a made-up name ({@code receiver.test}, resolved by a fixed
 * table to 127.0.0.1) reaches the address that was checked, with the name in the {@code Host} header; the JDK's
 * resolver never sees the name (it would not resolve it).
 */
class ReceiverPostTest {
    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(ex.getRequestHeaders().getFirst("Host") + " " + ex.getRequestURI() + " " + body + " "
                    + ex.getRequestHeaders().getFirst("webhook-id"));
            if (ex.getRequestURI().getPath().equals("/moved")) {
                ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
                ex.sendResponseHeaders(302, -1);
            } else {
                ex.sendResponseHeaders(204, -1);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void the_post_goes_to_the_checked_address_under_the_urls_host_name() throws Exception {
        int port = server.getAddress().getPort();
        ReceiverAddressPolicy policy = new ReceiverAddressPolicy(List.of("127.0.0.0/8"), List.of(),
                host -> host.equals("receiver.test") ? new InetAddress[]{InetAddress.getByAddress(new byte[]{127, 0, 0, 1})}
                        : new InetAddress[0]);
        URI url = URI.create("http://receiver.test:" + port + "/hooks/a?x=1");
        ReceiverPost.Outcome outcome = new ReceiverPost(SSLContext.getDefault()).post(url, policy.check(url),
                Map.of("webhook-id", "m1"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
        assertThat(outcome.status()).isEqualTo(204);
        assertThat(seen).containsExactly("receiver.test:" + port + " /hooks/a?x=1 {\"a\":1} m1");
    }

    @Test
    void a_redirect_is_an_answer_not_followed() throws Exception {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/moved");
        ReceiverPost.Outcome outcome = new ReceiverPost(SSLContext.getDefault()).post(url,
                List.of(InetAddress.getByAddress(new byte[]{127, 0, 0, 1})), Map.of(), new byte[0],
                Duration.ofSeconds(5));
        assertThat(outcome.status()).isEqualTo(302);
        assertThat(seen).hasSize(1);
    }

    @Test
    void a_receiver_that_never_answers_is_a_timeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accepter = new Thread(() -> {
                try (Socket held = silent.accept()) {
                    held.getInputStream().readAllBytes(); // reads, never answers, until the client gives up
                } catch (Exception ignored) {
                    // the client closed
                }
            });
            accepter.start();
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/");
            ReceiverPost.Outcome outcome = new ReceiverPost(SSLContext.getDefault()).post(url,
                    List.of(InetAddress.getByAddress(new byte[]{127, 0, 0, 1})), Map.of(), new byte[0],
                    Duration.ofMillis(300));
            assertThat(outcome.timedOut()).isTrue();
            assertThat(outcome.status()).isNull();
            accepter.join(5_000);
        }
    }
}
