package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * Benchmark 1, intake: accepted events per second with 32 concurrent HTTP clients against {@code POST /v1/events}
 * of a real gateway node, against a raw JDBC baseline on the same database in the same run (one comparable row,
 * the same JSON body as jsonb, inserted per transaction, 32 threads each with its own connection). Then a paced
 * phase at 80% of the gateway's maximum for the p99 latency.
 *
 * <p>The node's delivery engine runs but drains nothing: its one target has a concurrency of 1 and the simulator
 * holds that one write for an hour, so the engine has no free slot and issues no queries; the CPU is intake's.
 */
final class IntakeBench {
    private IntakeBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int clients = args.integer("clients", 32);
        Duration warmup = Duration.ofSeconds(args.integer("warmup", 30));
        Duration measure = Duration.ofSeconds(args.integer("seconds", 20));
        report.line("intake: %d clients, warm-up %s, measure %s per phase", clients, warmup, measure);
        try (Node node = Node.freshDatabase(4); FhirSimulator ehr = Node.simulator()) {
            ehr.faults().latency(3_600_000);
            Gateway gateway = node.gateway(ehr.baseUrl(), 1, false, clients, 3_600_000L);
            Api api = new Api(gateway.port());
            try (Database raw = node.asOwner(clients)) {
                try (Connection c = raw.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE bench_raw_event (LIKE clinical_event INCLUDING DEFAULTS INCLUDING INDEXES)");
                }
                report.line("");
                report.line("phase 1: raw JDBC baseline, one row per transaction");
                report.load("before");
                long cpu0 = Machine.jvmCpuNanos();
                long pg0 = Machine.treeCpuNanos(Machine.postmasterOf(node.dataDir()));
                Load.Result base = Load.closed(clients, warmup, measure, () -> insertRaw(raw));
                report.load("after");
                report.line("raw JDBC: %s", base.summary());
                cpuPerOp(report, "raw", cpu0, pg0, node, base.calls());

                report.line("");
                report.line("phase 2: gateway POST /v1/events, closed loop");
                report.load("before");
                cpu0 = Machine.jvmCpuNanos();
                pg0 = Machine.treeCpuNanos(Machine.postmasterOf(node.dataDir()));
                Load.Result gw = Load.closed(clients, warmup, measure, () -> api.submit(Bodies.next()) == 202);
                report.load("after");
                report.line("gateway:  %s", gw.summary());
                cpuPerOp(report, "gateway", cpu0, pg0, node, gw.calls());

                double paceRate = 0.8 * gw.rate();
                report.line("");
                report.line("phase 3: gateway paced at 80%% of its maximum (%.0f/s), latency from intended start",
                        paceRate);
                report.load("before");
                Load.Result paced = Load.paced(clients, paceRate, measure, () -> api.submit(Bodies.next()) == 202);
                report.load("after");
                report.line("paced:    %s", paced.summary());
                Delivered.patientLines(report, gateway.jdbc());

                report.line("");
                report.figure("raw JDBC inserts/s", base.rate());
                report.figure("gateway accepted events/s", gw.rate());
                report.figure("gateway p99 ms at max", gw.ms(99));
                report.figure("paced rate offered/s", paceRate);
                report.figure("paced achieved/s", paced.rate());
                report.figure("paced p50 ms", paced.ms(50));
                report.figure("paced p99 ms", paced.ms(99));
                report.figure("failed requests (all phases)", gw.failed() + paced.failed() + base.failed());
                report.target("intake ratio gateway/raw", gw.rate() / base.rate(), 0.5, "", true);
                report.target("intake p99 at 80% of max", paced.ms(99), 25, "ms", false);
            } finally {
                ehr.close();
                gateway.close();
            }
        }
    }

    private static void cpuPerOp(Report report, String what, long cpu0, long pg0, Node node, double ops) {
        double jvm = (Machine.jvmCpuNanos() - cpu0) / 1e6 / ops;
        long pgNow = Machine.treeCpuNanos(Machine.postmasterOf(node.dataDir()));
        double pg = pg0 < 0 || pgNow < 0 ? Double.NaN : (pgNow - pg0) / 1e6 / ops;
        report.line("%s CPU per call (warm-up included): JVM %.3f ms (clients + server), PostgreSQL %.3f ms",
                what, jvm, pg);
    }

    private static boolean insertRaw(Database raw) throws Exception {
        byte[] body = Bodies.next();
        String text = new String(body, StandardCharsets.UTF_8);
        try (Connection c = raw.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_raw_event (id, tenant_id,"
                    + " idempotency_key, body_hash, event_type, schema_version, body) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, Node.TENANT);
                ps.setString(3, UUID.randomUUID().toString());
                ps.setString(4, Json.sha256(text));
                ps.setString(5, "vitals");
                ps.setString(6, "1");
                ps.setString(7, text);
                ps.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    static long count(Database db, String table) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
