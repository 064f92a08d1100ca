package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway node a benchmark sends its load to, chosen by {@code --gateway process|inline}. In a process (the
 * default where used): {@code chartbridge serve --config <yaml>}, as a user runs it, in a child JVM on this class
 * path and the benchmark's database, so that the load clients (in the benchmark's JVM) are a process apart and the
 * gateway's CPU is read from {@code /proc} of its own pid; its output goes to {@code <tmp>/bench-gateway-<port>.log}
 * and {@link #close()} stops it gracefully (SIGTERM), as an operator would. Inline: the product's {@link Gateway} in
 * this JVM, beside the clients (the set-up of the runs before issue #17). Both have the settings of
 * {@link Node#config}: the same tenant, key, connection, pool and delivery timings.
 */
final class ServedGateway implements AutoCloseable {
    /** The environment variable whose JVM options the served gateway's child JVM gets. */
    static final String JAVA_OPTS_VARIABLE = "BENCH_GATEWAY_JAVA_OPTS";
    private final Process process;
    private final Gateway inline;
    private final int port;
    private final Path log;

    private ServedGateway(Process process, Gateway inline, int port, Path log) {
        this.process = process;
        this.inline = inline;
        this.port = port;
        this.log = log;
    }

    /** {@code --gateway process} (the default) or {@code inline}. */
    static boolean ownProcess(BenchMain.Args args) {
        String mode = args.text("gateway", "process");
        if (!mode.equals("process") && !mode.equals("inline")) {
            throw new IllegalArgumentException("--gateway is process or inline");
        }
        return mode.equals("process");
    }

    /**
     * Starts the node and, in a process, waits until {@code /health/ready} answers 200.
     *
     * @param poolSize the database pool, null for the product's default
     */
    static ServedGateway start(boolean ownProcess, Node node, String ehrUrl, int concurrency, boolean verify,
                               Integer poolSize, long readTimeoutMs) throws Exception {
        if (!ownProcess) {
            Gateway g = node.gateway(ehrUrl, concurrency, verify, poolSize, readTimeoutMs);
            return new ServedGateway(null, g, g.port(), null);
        }
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.createTempFile(node.keysDir(), "serve", ".yaml");
        Files.writeString(config, yaml(node, ehrUrl, port, concurrency, verify, poolSize, readTimeoutMs));
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "bench-gateway-" + port + ".log");
        return new ServedGateway(serve(config, port, log), null, port, log);
    }

    /**
     * Starts {@code chartbridge serve --config config} in a child JVM on this class path, its output appended to
     * {@code log}, and waits until it answers {@code /health/ready} on {@code port} (destroyed if it never does).
     */
    static Process serve(Path config, int port, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(gatewayJavaOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.chartbridge.app.cli.ChartBridgeCli",
                "serve", "--config", config.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            awaitReady(p, port, log);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /**
     * The child's JVM options: {@value #JAVA_OPTS_VARIABLE} split on white space (none when unset), e.g.
     * {@code -XX:StartFlightRecording=filename=gw.jfr,settings=profile} to profile the served gateway;
     * {@code BENCH_JAVA_OPTS} applies to the benchmark's own JVM only.
     */
    static List<String> gatewayJavaOptions() {
        String options = System.getenv(JAVA_OPTS_VARIABLE);
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    /** The configuration of {@link Node#config}, as the YAML a user writes. */
    private static String yaml(Node node, String ehrUrl, int port, int concurrency, boolean verify, Integer poolSize,
                               long readTimeoutMs) throws Exception {
        Path key = node.keysDir().resolve("api-key");
        Files.writeString(key, Node.KEY);
        return """
                database: { url: "%s", user: %s, passwordFile: "%s", ownerUser: postgres,
                            ownerPasswordFile: "%s"%s }
                security: { masterKeyFile: "%s" }
                http: { host: 127.0.0.1, port: %d }
                delivery: { baseDelayMs: 200, maxDelayMs: 2000, reconcileDelayMs: 200, verify: %s }
                node: bench
                tenants:
                  - id: %s
                    name: Bench Clinic
                    apiKeys: [ { label: bench, secretFile: "%s" } ]
                    connections: [ { name: %s, vendor: fhir-r4, baseUrl: "%s", maxConcurrency: %d,
                                     readTimeoutMs: %d } ]
                  - id: other
                    name: Other Health
                    apiKeys: []
                    connections: []
                """.formatted(node.database().jdbcUrl(), node.database().user(),
                node.keysDir().resolve("postgres-gateway.password"), node.keysDir().resolve("postgres-owner.password"),
                poolSize == null ? "" : ", poolSize: " + poolSize, node.keysDir().resolve("master.key"), port, verify,
                Node.TENANT, key, Node.TARGET, ehrUrl, concurrency, readTimeoutMs);
    }

    private static void awaitReady(Process process, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("chartbridge serve did not become ready; see " + log);
    }

    int port() {
        return port;
    }

    boolean inOwnProcess() {
        return process != null;
    }

    /** CPU time of the gateway process so far, ns; -1 inline (its CPU is then this JVM's, with the clients'). */
    long cpuNanos() {
        return process == null ? -1 : Machine.treeCpuNanos(process.pid());
    }

    /** CPU time of the gateway process's JIT compiler threads so far, ns; -1 inline or unknown. */
    long jitCpuNanos() {
        return process == null ? -1 : Machine.jitCpuNanos(process.pid());
    }

    String describe() {
        return process == null ? "gateway: inline, in the benchmark's JVM with the load clients"
                : "gateway: chartbridge serve in its own process, pid " + process.pid() + ", allowed CPUs "
                + Pinning.allowedList(process.pid()) + ", port " + port + ", log " + log
                + (gatewayJavaOptions().isEmpty() ? "" : ", JVM options " + String.join(" ", gatewayJavaOptions()));
    }

    @Override
    public void close() throws InterruptedException {
        if (inline != null) {
            inline.close();
            return;
        }
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
