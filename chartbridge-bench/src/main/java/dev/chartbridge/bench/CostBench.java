package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 4, cost: with a backlog of 1,000,000 pending writes (inserted with SQL into the real schema), the
 * claim query's latency; then, against the same EHR process ({@link Ehr}: the minimal stub by default, on its own
 * CPU), the two baselines of {@link CostBaselines}; then a node draining the backlog into that EHR without
 * verification: this JVM's CPU per delivered write (the gateway's: the load is the backlog, and the benchmark's
 * forced GCs and claim probes are taken out), PostgreSQL's and the EHR's apart, heap after GC over time, and the
 * drain's statements from {@code pg_stat_statements}.
 */
final class CostBench {
    private CostBench() {
    }

    /** @param pgByKind PostgreSQL's CPU by kind of process ({@link Machine#postgresCpuByKind}), the probes' taken out */
    record Sample(double seconds, double heapMb, long delivered, long jvmCpu, long pgCpu, long ehrCpu,
                  java.util.Map<String, Long> pgByKind) {
    }

    private static final String BACKENDS = Machine.postgresKind("postgres: bench");

    static void run(BenchMain.Args args, Report report) throws Exception {
        int pending = args.integer("pending", 1_000_000);
        int seconds = args.integer("seconds", 120);
        int concurrency = args.integer("concurrency", 16);
        String queue = Node.TENANT + "/" + Node.TARGET;
        report.line("cost: %d pending writes, node runs %d s, concurrency %d, verify=false", pending, seconds,
                concurrency);
        try (Node node = Node.freshDatabase(4); Database owner = node.asOwner(concurrency + 2);
             Ehr ehr = Ehr.start(args, Ehr.Kind.STUB)) {
            report.line(ehr.describe());
            report.line(node.describePostgres());
            // The benchmark's own reads and probes run as the owner: the gateway role's statements are the gateway's.
            Jdbc jdbc = new Jdbc(owner.dataSource());
            Backlog.ensureTenant(jdbc, Node.TENANT);
            long t0 = System.nanoTime();
            Backlog.insert(jdbc, Node.TENANT, Node.TARGET, pending);
            report.line("backlog inserted (and VACUUM ANALYZE) in %.1f s; outbox rows: %d", (System.nanoTime() - t0) / 1e9,
                    Delivered.single(jdbc, "SELECT count(*) FROM outbox"));

            // The claim's own time: the probes and their backend on the EHR's CPU (Pinning.aside), away from this
            // JVM's JIT compilers, which take a sixth of the gateway's CPU while the probes warm up (perf, #17), and
            // later away from the drain's threads. The same on the gateway's CPU is printed beside it.
            report.line(Pinning.pinned() ? "claim probes: the probe's thread and its backend on CPU %d while timed"
                    .formatted(Pinning.EHR_CPU) : "claim probes: not pinned, so the figures below marked as on the"
                    + " gateway's CPU and the others are taken alike, on any CPU");
            ClaimProbe.measure(jdbc, queue, 200, true, Duration.ofSeconds(30));
            Histogram repeated = ClaimProbe.measure(jdbc, queue, 2000, true, Duration.ofSeconds(60));
            report.line("claim query, idle database, %d claims of 32 rolled back (the same head rows each time): %s",
                    repeated.getTotalCount(), ms(repeated));
            ClaimProbe.explain(jdbc, queue).forEach(l -> report.line("  | %s", l));
            Histogram quiet = ClaimProbe.measureAdvancing(jdbc, queue, 2000, true);
            report.line("claim query, idle database, %d claims of 32 as the engine claims (autocommit, each taking"
                    + " the next rows; the target's figure): %s", quiet.getTotalCount(), ms(quiet));
            Histogram quietOnCore = ClaimProbe.measureAdvancing(jdbc, queue, 2000, false);
            report.line("  the same on the gateway's CPU (this JVM's JIT compilers beside it): %s", ms(quietOnCore));

            StatementStats statements = StatementStats.enable(node);
            CostBaselines.Result base = CostBaselines.measure(report, node, owner, ehr, statements, concurrency,
                    args.integer("raw-creates", 5000), args.integer("raw-inserts", 20_000), pending,
                    args.integer("floor-writes", 5000));
            // The floor's writes are recorded as created too: counted before the drain, and taken out of its count.
            long floorDelivered = Delivered.single(jdbc, "SELECT count(*) FROM delivery_attempt WHERE outcome = 'created'");
            ehr.reset();

            report.line("");
            report.line("drain: a node delivers the backlog for %d s; CPU and statements counted from t=30 s", seconds);
            Gateway gateway = null;
            List<Sample> samples = new ArrayList<>();
            Histogram loaded = null;
            Histogram loadedOnCore = null;
            try {
                long pg = Machine.postmasterOf(node.dataDir());
                report.load("before");
                long start = System.nanoTime();
                long jvmNotGateway = 0;
                long pgNotGateway = 0;
                gateway = node.gateway(ehr.baseUrl(), concurrency, false, null, 10_000L);
                for (int s = 0; s <= seconds; s += 5) {
                    Thread.sleep(Math.max(0, (start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000));
                    if (loaded == null && s >= seconds / 2) {
                        // The probe's CPU (here and in PostgreSQL) is the benchmark's, not the gateway's: taken out.
                        long jvm0 = Machine.jvmCpuNanos();
                        long pg0 = Machine.treeCpuNanos(pg);
                        loaded = ClaimProbe.measure(jdbc, queue, 1000, true, Duration.ofSeconds(20));
                        loadedOnCore = ClaimProbe.measure(jdbc, queue, 1000, false, Duration.ofSeconds(5));
                        jvmNotGateway += Machine.jvmCpuNanos() - jvm0;
                        pgNotGateway += Machine.treeCpuNanos(pg) - pg0;
                    }
                    // The forced GC's own CPU is not the gateway's cost per write: measured and taken out.
                    long gc0 = Machine.jvmCpuNanos();
                    System.gc();
                    jvmNotGateway += Machine.jvmCpuNanos() - gc0;
                    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
                    long delivered = Delivered.single(jdbc,
                            "SELECT count(*) FROM delivery_attempt WHERE outcome = 'created'") - floorDelivered;
                    java.util.Map<String, Long> byKind = Machine.postgresCpuByKind(pg);
                    // The probes ran on a connection of their own: their time is taken out of the backends'.
                    long probes = pgNotGateway;
                    byKind.computeIfPresent(BACKENDS, (k, v) -> v - probes);
                    Sample sample = new Sample((System.nanoTime() - start) / 1e9, heap, delivered,
                            Machine.jvmCpuNanos() - jvmNotGateway, Machine.treeCpuNanos(pg) - pgNotGateway,
                            ehr.cpuNanos(), byKind);
                    if (samples.stream().noneMatch(x -> x.seconds() >= 30) && sample.seconds() >= 30) {
                        statements.reset();
                    }
                    samples.add(sample);
                    report.line("  t=%5.1f s  heap after GC %7.1f MB  delivered %7d  pending %7d", sample.seconds(),
                            heap, delivered, pending - base.floorTaken() - delivered);
                }
                report.load("after");
            } finally {
                if (gateway != null) {
                    gateway.close();
                }
            }
            report.line("claim query while the node delivers, %d claims of 32: %s", loaded.getTotalCount(), ms(loaded));
            report.line("  the same on the gateway's CPU, among the drain's threads (at most 5 s): %d claims, %s",
                    loadedOnCore.getTotalCount(), ms(loadedOnCore));
            Delivered.patientLines(report, jdbc);

            // CPU is counted from t=30 s: before that the JIT compilers take a third of the process CPU.
            Sample a = samples.stream().filter(x -> x.seconds() >= 30).findFirst().orElse(samples.get(0));
            Sample b = samples.get(samples.size() - 1);
            long writes = b.delivered() - a.delivered();
            statements.print(report, "drain t=%.0f..%.0f s".formatted(a.seconds(), b.seconds()), writes, "write",
                    node.database().user());
            double jvmMs = (b.jvmCpu() - a.jvmCpu()) / 1e6 / writes;
            double pgMs = (b.pgCpu() - a.pgCpu()) / 1e6 / writes;
            double ehrMs = a.ehrCpu() < 0 ? Double.NaN : (b.ehrCpu() - a.ehrCpu()) / 1e6 / writes;
            double heapMin = samples.stream().skip(2).mapToDouble(Sample::heapMb).min().orElse(0);
            double heapMax = samples.stream().skip(2).mapToDouble(Sample::heapMb).max().orElse(0);
            report.line("");
            report.figure("writes delivered in the window (t=%.0f..%.0f s)".formatted(a.seconds(), b.seconds()),
                    writes);
            report.figure("writes/s in the window", writes / (b.seconds() - a.seconds()));
            report.figure("gateway JVM CPU ms per write (forced GC, probes excluded)", jvmMs);
            report.figure("raw HAPI client JVM CPU ms per create", base.hapiJvmMs());
            report.figure("PostgreSQL CPU ms per write (probes excluded)", pgMs);
            for (String kind : b.pgByKind().keySet()) {
                report.figure("  of which " + kind, (b.pgByKind().get(kind) - a.pgByKind().getOrDefault(kind, 0L))
                        / 1e6 / writes);
            }
            report.figure("PostgreSQL CPU ms per raw insert transaction", base.insertPgMs());
            report.figure("PostgreSQL CPU ms per write, delivery floor", base.floorPgMs());
            report.figure("EHR process CPU ms per write", ehrMs);
            report.figure("EHR process CPU ms per raw HAPI create", base.hapiEhrMs());
            report.figure("ratio gateway JVM / raw HAPI client JVM", jvmMs / base.hapiJvmMs());
            report.figure("ratio PostgreSQL per write / per raw insert", pgMs / base.insertPgMs());
            report.figure("ratio PostgreSQL delivery floor / per raw insert", base.floorPgMs() / base.insertPgMs());
            report.figure("ratio PostgreSQL per write / delivery floor", pgMs / base.floorPgMs());
            report.figure("heap after GC MB, min (t>=10 s)", heapMin);
            report.figure("heap after GC MB, max (t>=10 s)", heapMax);
            report.figure("heap after GC MB, slope per minute", slope(samples) * 60);
            report.figure("claim p99 ms idle", quiet.getValueAtPercentile(99) / 1000.0);
            report.figure("claim p99 ms under load", loaded.getValueAtPercentile(99) / 1000.0);
            report.figure("claim p99 ms idle, on the gateway's CPU", quietOnCore.getValueAtPercentile(99) / 1000.0);
            report.figure("claim p99 ms under load, on the gateway's CPU",
                    loadedOnCore.getValueAtPercentile(99) / 1000.0);
            report.target("gateway JVM CPU / raw HAPI per create", jvmMs / base.hapiJvmMs(), 1.5, "x", false);
            report.target("PostgreSQL CPU / raw insert per write", pgMs / base.insertPgMs(), 5, "x", false);
            report.target("heap growth over the run (max-min)", heapMax - heapMin, 32, "MB", false);
            report.target("claim query p99, 1M pending, idle", quiet.getValueAtPercentile(99) / 1000.0, 5, "ms", false);
            report.target("claim query p99, 1M pending, loaded", loaded.getValueAtPercentile(99) / 1000.0, 5, "ms",
                    false);
        }
    }

    private static double slope(List<Sample> samples) {
        List<Sample> s = samples.stream().skip(2).toList();
        double mx = s.stream().mapToDouble(Sample::seconds).average().orElse(0);
        double my = s.stream().mapToDouble(Sample::heapMb).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            num += (x.seconds() - mx) * (x.heapMb() - my);
            den += (x.seconds() - mx) * (x.seconds() - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private static String ms(Histogram h) {
        return String.format(java.util.Locale.ROOT, "ms p50 %.2f p90 %.2f p99 %.2f max %.2f",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
