package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 8, idle cost: one gateway node with {@code --connections} (default 500) FHIR R4 connections and no
 * work at all, and what it asks of PostgreSQL while it waits: committed transactions a second
 * ({@code pg_stat_database.xact_commit} of the gateway's database, sampled before and after {@code --seconds},
 * default 30, after a 5 s settle; each of the node's idle statements runs in a transaction of its own) and rows
 * PostgreSQL read for it ({@code tup_returned + tup_fetched}). The node's other loops (audit sealer, webhook
 * dispatcher, read-back watcher) are included: this is the whole idle node.
 */
final class IdleBench {
    private IdleBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int connections = args.integer("connections", 500);
        int seconds = args.integer("seconds", 30);
        report.line("idle: one node, %d connections, no events, measured for %d s", connections, seconds);
        try (Node node = Node.freshDatabase(4); FhirSimulator sim = Node.simulator()) {
            GatewayConfig base = node.config(sim.baseUrl(), 4, true, null, 15_000L);
            List<GatewayConfig.ConnectionConfig> many = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                many.add(GatewayConfig.ConnectionConfig.fhir(Node.TARGET + "-" + i, sim.baseUrl(), 4, 15_000L));
            }
            GatewayConfig.TenantConfig bench = base.tenants().get(0);
            GatewayConfig config = new GatewayConfig(base.database(), base.http(), base.delivery(), base.node(),
                    base.security(), List.of(new GatewayConfig.TenantConfig(bench.id(), bench.name(), bench.apiKeys(),
                    many), base.tenants().get(1)));
            Jdbc jdbc = new Jdbc(node.database().dataSource());
            try (Gateway gateway = Gateway.start(config)) {
                Thread.sleep(5_000);
                long[] before = counters(jdbc);
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long[] after = counters(jdbc);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                // The two counter reads are themselves transactions of this database: take them out.
                double xacts = (after[0] - before[0] - 1) / elapsed;
                double rows = (after[1] - before[1]) / elapsed;
                report.line("transactions committed: %.1f /s; rows read: %.0f /s", xacts, rows);
                report.figure("idle connections", connections);
                report.figure("idle transactions per second", Math.round(xacts * 10) / 10.0);
                report.figure("idle rows read per second", Math.round(rows));
            }
        }
    }

    /** xact_commit and rows read of the current database; the statistics snapshot is cleared first. */
    private static long[] counters(Jdbc jdbc) {
        return jdbc.read(c -> {
            try (var s = c.createStatement()) {
                s.execute("SELECT pg_stat_clear_snapshot()");
                try (var rs = s.executeQuery("SELECT xact_commit, tup_returned + tup_fetched FROM pg_stat_database"
                        + " WHERE datname = current_database()")) {
                    rs.next();
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            }
        });
    }
}
