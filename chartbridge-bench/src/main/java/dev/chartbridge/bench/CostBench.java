package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.core.store.Jdbc;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 4, cost: with a backlog of 1,000,000 pending writes (inserted with SQL into the real schema), the
 * claim query's latency, then a node draining it into the FHIR simulator (run as a separate process, so its CPU
 * is not counted) without verification: process CPU per delivered write, and heap after GC over time.
 */
final class CostBench {
    private CostBench() {
    }

    record Sample(double seconds, double heapMb, long delivered, long jvmCpu, long pgCpu, long simCpu) {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int pending = args.integer("pending", 1_000_000);
        int seconds = args.integer("seconds", 120);
        int concurrency = args.integer("concurrency", 16);
        String queue = Node.TENANT + "/" + Node.TARGET;
        report.line("cost: %d pending writes, node runs %d s, concurrency %d, verify=false", pending, seconds,
                concurrency);
        try (Node node = Node.freshDatabase(4)) {
            Jdbc jdbc = new Jdbc(node.database().dataSource());
            Backlog.ensureTenant(jdbc, Node.TENANT);
            long t0 = System.nanoTime();
            Backlog.insert(jdbc, Node.TENANT, Node.TARGET, pending);
            report.line("backlog inserted (and VACUUM ANALYZE) in %.1f s; outbox rows: %d", (System.nanoTime() - t0) / 1e9,
                    Delivered.single(jdbc, "SELECT count(*) FROM outbox"));

            ClaimProbe.measure(jdbc, queue, 200);
            Histogram quiet = ClaimProbe.measure(jdbc, queue, 2000);
            report.line("claim query, idle database, %d claims of 32: %s", quiet.getTotalCount(), ms(quiet));
            ClaimProbe.explain(jdbc, queue).forEach(l -> report.line("  | %s", l));

            Process sim = startSimulator();
            Gateway gateway = null;
            List<Sample> samples = new ArrayList<>();
            Histogram loaded = null;
            try {
                String url = simulatorUrl(sim);
                long pg = Machine.postmasterOf(node.dataDir());
                report.load("before");
                long start = System.nanoTime();
                long gcCpu = 0;
                gateway = node.gateway(url, concurrency, false, null, 10_000L);
                for (int s = 0; s <= seconds; s += 5) {
                    Thread.sleep(Math.max(0, (start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000));
                    if (s == seconds / 2) {
                        loaded = ClaimProbe.measure(jdbc, queue, 1000);
                    }
                    // The forced GC's own CPU is not the gateway's cost per write: measure it and take it out.
                    long gc0 = Machine.jvmCpuNanos();
                    System.gc();
                    gcCpu += Machine.jvmCpuNanos() - gc0;
                    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
                    long delivered = Delivered.single(jdbc,
                            "SELECT count(*) FROM delivery_attempt WHERE outcome = 'created'");
                    Sample sample = new Sample((System.nanoTime() - start) / 1e9, heap, delivered,
                            Machine.jvmCpuNanos() - gcCpu, Machine.treeCpuNanos(pg), Machine.treeCpuNanos(sim.pid()));
                    samples.add(sample);
                    report.line("  t=%5.1f s  heap after GC %7.1f MB  delivered %7d  pending %7d", sample.seconds(),
                            heap, delivered, pending - delivered);
                }
                report.load("after");
            } finally {
                if (gateway != null) {
                    gateway.close();
                }
                sim.destroy();
            }
            report.line("claim query while the node delivers, %d claims of 32: %s", loaded.getTotalCount(), ms(loaded));
            Delivered.patientLines(report, jdbc);

            // CPU is counted from t=30 s: before that the JIT compilers take a third of the process CPU.
            Sample a = samples.stream().filter(x -> x.seconds() >= 30).findFirst().orElse(samples.get(0));
            Sample b = samples.get(samples.size() - 1);
            long writes = b.delivered() - a.delivered();
            double jvmMs = (b.jvmCpu() - a.jvmCpu()) / 1e6 / writes;
            double pgMs = (b.pgCpu() - a.pgCpu()) / 1e6 / writes;
            double simMs = (b.simCpu() - a.simCpu()) / 1e6 / writes;
            double heapMin = samples.stream().skip(2).mapToDouble(Sample::heapMb).min().orElse(0);
            double heapMax = samples.stream().skip(2).mapToDouble(Sample::heapMb).max().orElse(0);
            report.line("");
            report.figure("writes delivered in the window (t=%.0f..%.0f s)".formatted(a.seconds(), b.seconds()), writes);
            report.figure("writes/s in the window", writes / (b.seconds() - a.seconds()));
            report.figure("gateway JVM CPU ms per write (forced-GC CPU excluded)", jvmMs);
            report.figure("PostgreSQL CPU ms per write", pgMs);
            report.figure("simulator process CPU ms per write", simMs);
            report.figure("heap after GC MB, min (t>=10 s)", heapMin);
            report.figure("heap after GC MB, max (t>=10 s)", heapMax);
            report.figure("heap after GC MB, slope per minute", slope(samples) * 60);
            report.figure("claim p99 ms idle", quiet.getValueAtPercentile(99) / 1000.0);
            report.figure("claim p99 ms under load", loaded.getValueAtPercentile(99) / 1000.0);
            report.target("gateway CPU per delivered write", jvmMs, 1.0, "ms", false);
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

    /** The generic FHIR simulator with the patients the backlog is spread over, in a child JVM on this class path. */
    private static Process startSimulator() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.chartbridge.simulators.SimulatorsMain", "--population", Integer.toString(Bodies.patients()))
                .redirectErrorStream(true).start();
    }

    private static String simulatorUrl(Process sim) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("FHIR R4 simulator")) {
                String url = line.split("\\s+")[3];
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "simulator-output");
                drain.setDaemon(true);
                drain.start();
                return url;
            }
        }
        throw new IllegalStateException("the simulator process ended before printing its URL");
    }
}
