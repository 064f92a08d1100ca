package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 3, latency-bound delivery: the simulator answers every request after 100 ms and the target allows 64
 * writes in flight, so at most 640 writes/s are possible. A backlog is inserted first (SQL, real schema), then a
 * node drains it without verification (one call per write); the figure is the steady rate between 10% and 90%
 * of the backlog delivered.
 */
final class LatencyBench {
    private LatencyBench() {
    }

    record Sample(long nanos, long terminal) {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int events = args.integer("events", 15_000);
        int concurrency = args.integer("concurrency", 64);
        int latency = args.integer("latency-ms", 100);
        double ceiling = concurrency * 1000.0 / latency;
        report.line("latency: %d writes backlogged, simulator latency %d ms, concurrency %d: ceiling %.0f writes/s",
                events, latency, concurrency, ceiling);
        try (Node node = Node.freshDatabase(4); FhirSimulator ehr = Node.simulator()) {
            Jdbc jdbc = new Jdbc(node.database().dataSource());
            Backlog.ensureTenant(jdbc, Node.TENANT);
            Backlog.insert(jdbc, Node.TENANT, Node.TARGET, events);
            ehr.faults().latency(latency);
            report.load("before");
            long cpu0 = Machine.jvmCpuNanos();
            long start = System.nanoTime();
            Gateway gateway = node.gateway(ehr.baseUrl(), concurrency, false, null, 10_000L);
            List<Sample> samples = new ArrayList<>();
            try {
                long deadline = start + 600_000_000_000L;
                long last = -1;
                while (System.nanoTime() < deadline) {
                    long n = Delivered.terminal(jdbc);
                    samples.add(new Sample(System.nanoTime(), n));
                    if (n >= events) {
                        break;
                    }
                    if (samples.size() % 10 == 0 && n != last) {
                        last = n;
                    }
                    Thread.sleep(100);
                }
                report.load("after");
                report.line("states: %s", Delivered.byState(jdbc));
                Delivered.patientLines(report, jdbc);
            } finally {
                ehr.close();
                gateway.close();
            }
            Sample end = samples.get(samples.size() - 1);
            Sample p10 = first(samples, events / 10);
            Sample p90 = first(samples, events * 9L / 10);
            double steady = (p90.terminal() - p10.terminal()) / ((p90.nanos() - p10.nanos()) / 1e9);
            double overall = end.terminal() / ((end.nanos() - start) / 1e9);
            for (int i = 10; i < samples.size(); i += 10) {
                Sample a = samples.get(i - 10);
                Sample b = samples.get(i);
                report.line("  t=%5.1f s  final %6d  %6.0f writes/s", (b.nanos() - start) / 1e9, b.terminal(),
                        (b.terminal() - a.terminal()) / ((b.nanos() - a.nanos()) / 1e9));
            }
            report.figure("writes final", end.terminal());
            report.figure("overall writes/s (node start to last write)", overall);
            report.figure("steady writes/s (10% to 90% of backlog)", steady);
            report.figure("JVM CPU per write ms (gateway + simulator)",
                    (Machine.jvmCpuNanos() - cpu0) / 1e6 / end.terminal());
            report.target("latency-bound writes/s", steady, 0.9 * ceiling, "writes/s", true);
        }
    }

    private static Sample first(List<Sample> samples, long atLeast) {
        return samples.stream().filter(s -> s.terminal() >= atLeast).findFirst().orElse(samples.get(samples.size() - 1));
    }
}
