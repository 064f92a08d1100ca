package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 3, latency-bound delivery: the EHR (by default the minimal stub, in its own process on its own CPU,
 * {@link Ehr}) answers every request after 100 ms and the target allows 64 writes in flight, so by Little's law at
 * most 640 writes/s are possible. A backlog is inserted first (SQL, real schema), then a node drains it without
 * verification (one call per write); the figure is the steady rate between 10% and 90% of the backlog delivered,
 * against 90% of that ceiling. The CPU of the gateway's JVM, of PostgreSQL and of the EHR process are reported apart,
 * over the whole drain (the node's start, its first lookups and the JIT's warm-up included) and over the same steady
 * window as the rate (issue #17: the whole drain's JVM figure was twice the cost benchmark's, which counts from
 * t=30 s), with the JIT compilers' share of each. {@code --warmup-writes N} drains N writes of the same backlog first
 * and puts the steady window over the {@code --events} after them, so that it is of a warm node.
 */
final class LatencyBench {
    private LatencyBench() {
    }

    record Sample(long nanos, long terminal) {
    }

    /** CPU so far, in ns: this JVM, its JIT compiler threads, PostgreSQL, the EHR process (-1 where unknown). */
    record Cpu(long jvm, long jit, long pg, long ehr) {
        static Cpu now(long postmaster, Ehr ehr) {
            return new Cpu(Machine.jvmCpuNanos(), Machine.jitCpuNanos(), Machine.treeCpuNanos(postmaster),
                    ehr.cpuNanos());
        }

        Cpu since(Cpu earlier) {
            return new Cpu(jvm - earlier.jvm, jit - earlier.jit, pg - earlier.pg,
                    ehr < 0 || earlier.ehr < 0 ? -1 : ehr - earlier.ehr);
        }
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int events = args.integer("events", 15_000);
        int concurrency = args.integer("concurrency", 64);
        int latency = args.integer("latency-ms", 100);
        // Writes drained before the measured ones (same backlog, delivered first), so that the steady window
        // is of a warm node: without them the JIT is still compiling in it, at 0.5 to 0.8 ms a write (issue #17).
        int warmup = args.integer("warmup-writes", 30_000);
        double ceiling = concurrency * 1000.0 / latency;
        report.line("latency: %d writes backlogged%s, EHR latency %d ms, concurrency %d: Little's law ceiling %.0f"
                + " writes/s", events + warmup, warmup == 0 ? "" : " (the first " + warmup + " a warm-up, the"
                + " steady window over the " + events + " after them)", latency, concurrency, ceiling);
        try (Node node = Node.freshDatabase(4); Database probes = node.asOwner(2);
             Ehr ehr = Ehr.start(args, Ehr.Kind.STUB)) {
            report.line(ehr.describe());
            report.line(node.describePostgres());
            // The benchmark's own reads run as the owner, so the gateway role's statements are the gateway's alone.
            Jdbc jdbc = new Jdbc(probes.dataSource());
            Backlog.ensureTenant(jdbc, Node.TENANT);
            Backlog.insert(jdbc, Node.TENANT, Node.TARGET, events + warmup);
            StatementStats statements = StatementStats.enable(node);
            ehr.reset(); // the simulator's reset also clears its faults: the latency is set after it
            ehr.latency(latency);
            if (ehr.kind() == Ehr.Kind.URL) {
                report.line("the EHR given by URL answers with its own latency: start it with %d ms"
                        + " (EhrStubMain --latency-ms %d)", latency, latency);
            }
            report.load("before");
            long pg = Machine.postmasterOf(node.dataDir());
            Cpu cpu0 = Cpu.now(pg, ehr);
            long start = System.nanoTime();
            Gateway gateway = node.gateway(ehr.baseUrl(), concurrency, false, null, 10_000L);
            List<Sample> samples = new ArrayList<>();
            // CPU is read where the rate's window starts and ends (the first sample at 10% and at 90% of the
            // backlog), so the steady figures cover exactly the writes the steady rate counts.
            Cpu at10 = null;
            Cpu at90 = null;
            Cpu whole;
            long requests;
            try {
                long deadline = start + 600_000_000_000L;
                while (System.nanoTime() < deadline) {
                    long n = Delivered.terminal(jdbc);
                    samples.add(new Sample(System.nanoTime(), n));
                    if (at10 == null && n >= warmup + events / 10) {
                        at10 = Cpu.now(pg, ehr);
                    }
                    if (at90 == null && n >= warmup + events * 9L / 10) {
                        at90 = Cpu.now(pg, ehr);
                    }
                    if (n >= events + warmup) {
                        break;
                    }
                    Thread.sleep(100);
                }
                whole = Cpu.now(pg, ehr).since(cpu0);
                requests = ehr.requests();
                report.load("after");
                report.line("states: %s", Delivered.byState(jdbc));
                Delivered.patientLines(report, jdbc);
            } finally {
                gateway.close();
            }
            Sample end = samples.get(samples.size() - 1);
            Sample p10 = first(samples, warmup + events / 10);
            Sample p90 = first(samples, warmup + events * 9L / 10);
            double steady = (p90.terminal() - p10.terminal()) / ((p90.nanos() - p10.nanos()) / 1e9);
            double overall = end.terminal() / ((end.nanos() - start) / 1e9);
            for (int i = 10; i < samples.size(); i += 10) {
                Sample a = samples.get(i - 10);
                Sample b = samples.get(i);
                report.line("  t=%5.1f s  final %6d  %6.0f writes/s", (b.nanos() - start) / 1e9, b.terminal(),
                        (b.terminal() - a.terminal()) / ((b.nanos() - a.nanos()) / 1e9));
            }
            statements.print(report, "drain of the backlog", end.terminal(), "write", node.database().user());
            double writes = end.terminal();
            report.figure("writes final", end.terminal());
            report.figure("EHR requests (all kinds)", requests < 0 ? "n/a (an EHR given by URL)" : requests);
            report.figure("overall writes/s (node start to last write)", overall);
            report.figure(warmup == 0 ? "steady writes/s (10% to 90% of backlog)"
                    : "steady writes/s (10% to 90% of the writes after the warm-up)", steady);
            report.figure("Little's law ceiling writes/s", ceiling);
            report.figure("gateway JVM CPU ms per write (whole drain)", whole.jvm() / 1e6 / writes);
            report.figure("  of it JIT compiler threads", whole.jit() / 1e6 / writes);
            report.figure("PostgreSQL CPU ms per write", whole.pg() / 1e6 / writes);
            report.figure("EHR process CPU ms per write", whole.ehr() < 0 ? Double.NaN : whole.ehr() / 1e6 / writes);
            if (at10 != null && at90 != null && p90.terminal() > p10.terminal()) {
                Cpu steadyCpu = at90.since(at10);
                double steadyWrites = p90.terminal() - p10.terminal();
                report.figure("gateway JVM CPU ms per write (10% to 90%)", steadyCpu.jvm() / 1e6 / steadyWrites);
                report.figure("  of it JIT compiler threads (10% to 90%)", steadyCpu.jit() / 1e6 / steadyWrites);
                report.figure("PostgreSQL CPU ms per write (10% to 90%)", steadyCpu.pg() / 1e6 / steadyWrites);
                report.figure("EHR process CPU ms per write (10% to 90%)",
                        steadyCpu.ehr() < 0 ? Double.NaN : steadyCpu.ehr() / 1e6 / steadyWrites);
            }
            report.target("latency-bound writes/s", steady, 0.9 * ceiling, "writes/s", true);
        }
    }

    private static Sample first(List<Sample> samples, long atLeast) {
        return samples.stream().filter(s -> s.terminal() >= atLeast).findFirst().orElse(samples.get(samples.size() - 1));
    }
}
