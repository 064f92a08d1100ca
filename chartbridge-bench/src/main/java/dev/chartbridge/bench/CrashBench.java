package dev.chartbridge.bench;

import dev.chartbridge.core.audit.AuditKeys;
import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.AuditVerifier;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 6 of the issue, crash loop: {@code chartbridge serve} runs as a child process on the bench's database
 * while events are submitted and the simulator stores some writes and then drops the answer (commit-then-timeout);
 * the child is killed with SIGKILL at random moments and restarted. Clients resend an unanswered event with the
 * same Idempotency-Key, as an app would. The faults stay on until the end; a last node finishes the work. Then:
 * no write twice in the EHR, none lost, audit chain intact.
 */
final class CrashBench {
    private static final int PORT = 18_480;

    private CrashBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int kills = args.integer("kills", 20);
        int events = args.integer("events", 10_000);
        report.line("crash: %d events, %d kill -9 of the serving process, commit-then-timeout on 10%% of writes",
                events, kills);
        try (Node node = Node.freshDatabase(8); FhirSimulator ehr = Node.simulator()) {
            ehr.faults().commitThenTimeout(0.1, 1500);
            Jdbc jdbc = new Jdbc(node.database().dataSource());
            Path config = writeConfig(node, ehr.baseUrl());
            Random random = new Random(11);
            AtomicInteger accepted = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            AtomicInteger next = new AtomicInteger();
            Process serve = serve(config);
            for (int t = 0; t < 4; t++) {
                Thread c = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < events) {
                        byte[] body = Bodies.vitals(30_000_000L + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        String key = "crash-" + i;
                        while (!submit(http, body, key)) {
                            sleep(200);
                        }
                        accepted.incrementAndGet();
                    }
                }, "crash-client-" + t);
                clients.add(c);
                c.start();
            }
            for (int k = 1; k <= kills; k++) {
                sleep(1500 + random.nextInt(3000));
                serve.destroyForcibly().waitFor();
                report.line("kill -9 #%d after %d events accepted", k, accepted.get());
                serve = serve(config);
            }
            for (Thread c : clients) {
                c.join();
            }
            report.line("all %d events accepted; waiting for delivery to finish (faults stay on)", accepted.get());
            long deadline = System.currentTimeMillis() + 300_000;
            while (Delivered.terminal(jdbc) < events && System.currentTimeMillis() < deadline) {
                sleep(500);
            }
            serve.destroy();
            serve.waitFor();
            check(report, jdbc, ehr, events, kills, AuditKeys.derive(java.util.Base64.getDecoder().decode(
                    Files.readString(node.keysDir().resolve("master.key")).trim())));
        }
    }

    private static void check(Report report, Jdbc jdbc, FhirSimulator ehr, int events, int kills, AuditKeys auditKeys) {
        Map<String, Long> states = Delivered.byState(jdbc);
        report.line("states: %s", states);
        Delivered.patientLines(report, jdbc);
        List<String> keys = jdbc.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT operation_key FROM write_operation");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        Map<String, Integer> inEhr = new java.util.HashMap<>();
        for (org.hl7.fhir.r4.model.Resource r : ehr.resources("Observation")) {
            for (org.hl7.fhir.r4.model.Identifier id : ((org.hl7.fhir.r4.model.Observation) r).getIdentifier()) {
                if ("urn:chartbridge:write".equals(id.getSystem())) {
                    inEhr.merge(id.getValue(), 1, Integer::sum);
                }
            }
        }
        long duplicates = 0;
        long missing = 0;
        for (String key : keys) {
            int n = inEhr.getOrDefault(key, 0);
            duplicates += Math.max(0, n - 1);
            missing += n == 0 ? 1 : 0;
        }
        long eventsStored = Delivered.single(jdbc, "SELECT count(*) FROM clinical_event");
        new AuditSealer(jdbc, 1000, auditKeys).sealAll();
        AuditVerifier.Report audit = new AuditVerifier(jdbc, auditKeys).verify();
        report.figure("kill -9", kills);
        report.figure("EHR simulator: requests / creates / commit-then-timeout faults", ehr.stats().requests() + " / "
                + ehr.stats().creates() + " / "
                + ehr.stats().faults(dev.chartbridge.simulators.FaultKind.COMMIT_THEN_TIMEOUT));
        report.figure("events submitted", events);
        report.figure("events stored", eventsStored);
        report.figure("write operations", keys.size());
        report.figure("Observations in the EHR (the seed has none)", ehr.resources("Observation").size());
        report.figure("duplicates in the EHR", duplicates);
        report.figure("operations not in the EHR (lost)", missing);
        report.figure("audit entries checked", audit.entriesChecked());
        report.figure("audit chain intact", audit.intact());
        report.target("duplicates", duplicates, 0, "", false);
        report.target("lost (events not stored + writes missing)", (events - eventsStored) + missing, 0, "", false);
        report.target("audit chain breaks", audit.breaks().size(), 0, "", false);
    }

    private static boolean submit(HttpClient http, byte[] body, String key) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT
                            + "/v1/events")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + Node.KEY)
                    .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 202 || r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static Path writeConfig(Node node, String ehrUrl) throws Exception {
        Path key = Files.createTempFile("bench-key", ".txt");
        Files.writeString(key, Node.KEY);
        Path config = Files.createTempFile("bench-serve", ".yaml");
        Files.writeString(config, """
                database: { url: "%s", user: chartbridge_gateway, passwordFile: "%s", ownerUser: postgres,
                            ownerPasswordFile: "%s", poolSize: 16 }
                security: { masterKeyFile: "%s" }
                http: { host: 127.0.0.1, port: %d }
                delivery: { baseDelayMs: 100, maxDelayMs: 1000, leaseMs: 3000, reconcileDelayMs: 200, verify: true }
                node: crash
                tenants:
                  - id: %s
                    apiKeys: [ { label: bench, secretFile: "%s" } ]
                    connections: [ { name: %s, vendor: fhir-r4, baseUrl: "%s", maxConcurrency: 8, readTimeoutMs: 1000 } ]
                """.formatted(node.database().jdbcUrl(), node.keysDir().resolve("postgres-gateway.password"),
                node.keysDir().resolve("postgres-owner.password"), node.keysDir().resolve("master.key"), PORT, Node.TENANT, key, Node.TARGET, ehrUrl));
        return config;
    }

    private static Process serve(Path config) throws Exception {
        return ServedGateway.serve(config, PORT, Path.of(System.getProperty("java.io.tmpdir"),
                "bench-crash-serve.log"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
