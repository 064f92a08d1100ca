package dev.chartbridge.bench;

import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;

/**
 * Benchmark 2, delivery: events per second from accept to delivered, against HAPI's generic client doing the same
 * creates at the same concurrency in the same run, both against the same EHR in its own process ({@link Ehr}: the
 * generic FHIR simulator unless {@code --ehr stub}, at 0 ms latency). The gateway phase submits the events over HTTP
 * (32 clients, in this JVM) to a gateway in its own process ({@link ServedGateway}; {@code --gateway inline} for
 * this JVM) while its delivery engine writes them; the figure is events / (time of the last
 * delivery - time of the first submit). Run without and with read-back verification (the stub answers no reads, so
 * with {@code --ehr stub} only the phase without verification runs). Both sides spread the events round-robin over
 * the same patients ({@link Bodies}); the warm-up gives every patient one event first, so both have looked up each
 * patient and visit before measuring. CPU per event is printed for this JVM, PostgreSQL and the EHR apart.
 */
final class DeliveryBench {
    private DeliveryBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int events = args.integer("events", 3000);
        int concurrency = args.integer("concurrency", 16);
        int clients = args.integer("clients", 32);
        // At least one warm-up event per patient, so neither phase measures first-time patient and visit lookups.
        int warm = args.integer("warmup-events", Math.max(300, Bodies.patients()));
        report.line("delivery: %d events per phase (after %d warm-up), target concurrency %d, %d HTTP clients",
                events, warm, concurrency, clients);
        try (Ehr ehr = Ehr.start(args, Ehr.Kind.SIMULATOR)) {
            report.line(ehr.describe());
            report.line("");
            report.line("phase 1: raw HAPI generic client, %d threads, conditional creates", concurrency);
            RawFhirClient raw = new RawFhirClient(ehr.baseUrl(), concurrency, events + warm);
            Load.count(concurrency, warm, raw::createNext);
            report.load("before");
            long cpu0 = Machine.jvmCpuNanos();
            long ehr0 = ehr.cpuNanos();
            Load.Result base = Load.count(concurrency, events, raw::createNext);
            report.load("after");
            report.line("raw HAPI: %s", base.summary());
            report.line("raw HAPI CPU per create: client JVM %.3f ms, EHR process %s", (Machine.jvmCpuNanos() - cpu0)
                    / 1e6 / events, ms(ehr0, ehr.cpuNanos(), events));
            ehr.reset();

            boolean own = ServedGateway.ownProcess(args);
            double unverified = gateway(report, ehr, own, false, events, warm, concurrency, clients);
            boolean canVerify = ehr.kind() != Ehr.Kind.STUB;
            double verified = Double.NaN;
            if (canVerify) {
                ehr.reset();
                verified = gateway(report, ehr, own, true, events, warm, concurrency, clients);
            }

            report.line("");
            report.figure("raw HAPI creates/s", base.rate());
            report.figure("gateway events/s, verify=false", unverified);
            report.figure("gateway events/s, verify=true",
                    canVerify ? verified : "not run (the stub answers no reads)");
            if (canVerify) {
                report.figure("ratio with verification", verified / base.rate());
            }
            report.target("delivery ratio (verify=false)", unverified / base.rate(), 0.5, "", true);
        }
    }

    private static double gateway(Report report, Ehr ehr, boolean own, boolean verify, int events, int warm,
                                  int concurrency, int clients) throws Exception {
        report.line("");
        report.line("phase: gateway, verify=%s, accept (HTTP) to delivered", verify);
        try (Node node = Node.freshDatabase(4); Database probes = node.asOwner(2)) {
            ServedGateway gateway = ServedGateway.start(own, node, ehr.baseUrl(), concurrency, verify, null, 10_000L);
            report.line(gateway.describe());
            report.line(node.describePostgres());
            // The benchmark's own reads run as the owner, so the gateway role's statements are the gateway's alone.
            Jdbc jdbc = new Jdbc(probes.dataSource());
            try {
                StatementStats statements = StatementStats.enable(node);
                Api api = new Api(gateway.port());
                Load.count(clients, warm, () -> api.submit(Bodies.next()) == 202);
                if (Delivered.awaitTerminal(jdbc, warm, 120_000) < 0) {
                    report.line("warm-up did not finish: %s", Delivered.byState(jdbc));
                }
                java.sql.Timestamp since = Delivered.dbNow(jdbc);
                report.load("before");
                long pg = Machine.postmasterOf(node.dataDir());
                long cpu0 = Machine.jvmCpuNanos();
                long pg0 = Machine.treeCpuNanos(pg);
                long ehr0 = ehr.cpuNanos();
                long gw0 = gateway.cpuNanos();
                statements.reset();
                long start = System.nanoTime();
                Load.Result in = Load.count(clients, events, () -> api.submit(Bodies.next()) == 202);
                long done = Delivered.awaitTerminal(jdbc, warm + in.ok(), 600_000);
                long cpu1 = Machine.jvmCpuNanos();
                long pg1 = Machine.treeCpuNanos(pg);
                long ehr1 = ehr.cpuNanos();
                long gw1 = gateway.cpuNanos();
                report.load("after");
                double seconds = ((done < 0 ? System.nanoTime() : done) - start) / 1e9;
                report.line("intake during the phase: %s", in.summary());
                report.line("states: %s", Delivered.byState(jdbc));
                Delivered.patientLines(report, jdbc);
                report.line("accept to final state: %s", Delivered.acceptToFinal(jdbc, since));
                report.line("CPU per event: gateway process %s, JVM %.3f ms (HTTP clients%s), PostgreSQL %s, EHR"
                        + " process %s", ms(gw0, gw1, in.ok()), (cpu1 - cpu0) / 1e6 / in.ok(),
                        gateway.inOwnProcess() ? "" : " + gateway", ms(pg0, pg1, in.ok()), ms(ehr0, ehr1, in.ok()));
                statements.print(report, "gateway, verify=" + verify + "",
                        in.ok(), "event", node.database().user());
                double rate = in.ok() / seconds;
                report.line("%d events accepted and final in %.1f s = %.1f events/s%s", in.ok(), seconds, rate,
                        done < 0 ? " (TIMED OUT before all were final)" : "");
                return rate;
            } finally {
                gateway.close();
            }
        }
    }

    /** CPU per unit in ms from two readings of a process's CPU, or "n/a" when it is not known. */
    static String ms(long before, long after, long units) {
        return before < 0 || after < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f ms",
                (after - before) / 1e6 / units);
    }
}
