package dev.chartbridge.app;

import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped under a running node (issue #13, item 6): every route that needs the database answers 503
 * problem+json with {@code Retry-After}, readiness too, each well before the 30 s the pool used to wait; started
 * again, the same node takes events without a restart. The database is this class's own embedded server (the
 * shared one serves every other test class), stopped and started on the same data directory and port.
 */
class DatabaseOutageTest {
    /** Generous: the API waits 1.5 s for a connection; before the fix it answered after 30 s. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static Path dataDir;
    private static int port;
    private static EmbeddedPostgres pg;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("chartbridge-outage");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = startPostgres();
        gateway = TestGateway.start(pg.getJdbcUrl("postgres", "postgres"), ehr.simulator().baseUrl(), "outage-node");
    }

    private static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static ApiClient.Answer call(String method, String path, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(BOUND)
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json");
        return gateway.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    @Test
    void postgres_down_is_a_503_with_retry_after_on_every_route_and_back_up_is_a_202_without_restart()
            throws IOException {
        ApiClient.Answer before = call("POST", "/v1/events", TestGateway.bytes(Events.bloodPressure(70)));
        assertThat(before.status()).as(before.text()).isEqualTo(202);
        String id = before.body().get("id").asText();
        pg.close();
        try {
            ApiClient.Answer submit = call("POST", "/v1/events", TestGateway.bytes(Events.bloodPressure(71)));
            ApiClient.Answer status = call("GET", "/v1/events/" + id, null);
            ApiClient.Answer ready = call("GET", "/health/ready", null);

            for (ApiClient.Answer down : new ApiClient.Answer[] {submit, status}) {
                assertThat(down.status()).as(down.text()).isEqualTo(503);
                assertThat(down.header("Retry-After")).isEqualTo("2");
                assertThat(down.header("Content-Type")).startsWith("application/problem+json");
                assertThat(down.body().get("type").asText()).endsWith("/database-unavailable");
            }
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.header("Retry-After")).isEqualTo("2");
        } finally {
            pg = startPostgres();
        }

        ApiClient.Answer after = awaitAccepted(TestGateway.bytes(Events.bloodPressure(72)));
        assertThat(after.status()).as(after.text()).isEqualTo(202);
        assertThat(call("GET", "/health/ready", null).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/events/" + id, null).status()).isEqualTo(200);
    }

    /** The pool re-makes its connections on demand; the first calls after the restart may still see it down. */
    private static ApiClient.Answer awaitAccepted(byte[] body) {
        Instant deadline = Instant.now().plusSeconds(30);
        ApiClient.Answer last;
        do {
            last = call("POST", "/v1/events", body);
        } while (last.status() == 503 && Instant.now().isBefore(deadline));
        return last;
    }
}
