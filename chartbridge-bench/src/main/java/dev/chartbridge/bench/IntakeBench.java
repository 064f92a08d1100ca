package dev.chartbridge.bench;

import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 1, intake: accepted events per second with 32 concurrent HTTP clients against {@code POST /v1/events}
 * of a real gateway node, against two JDBC baselines on the same database in the same run, each with 32 threads
 * and a connection each ({@link RawWrites}): one comparable row per transaction (raw), and the four rows intake
 * must write for one event with one target, in one transaction (floor). Before the gateway's phases it is warmed
 * until its JIT has caught up ({@link #warmUntilCompiled}). Then paced phases at 60%, 70% and 80% of the gateway's
 * maximum for the p99 latency (the target is the 80% step's). Each phase's statements are printed from
 * {@code pg_stat_statements}.
 *
 * <p>The gateway runs as {@code chartbridge serve} in a process of its own ({@link ServedGateway}; {@code --gateway
 * inline} puts it in this JVM beside the clients, as before issue #17), so its CPU is read apart from the clients'.
 * Its delivery engine runs but drains nothing: its one target has a concurrency of 1 and the EHR (the stub, in its
 * own process) holds that one write for an hour, so the engine has no free slot and issues no queries; the CPU is
 * intake's (and the audit sealer's, which seals the floor's entries and the gateway's alike).
 */
final class IntakeBench {
    private IntakeBench() {
    }

    /** One measured phase: its load result and CPU per call (gateway process NaN when the gateway is inline). */
    record Phase(Load.Result load, double jvmMs, double pgMs, double gatewayMs) {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int clients = args.integer("clients", 32);
        Duration warmup = Duration.ofSeconds(args.integer("warmup", 30));
        Duration measure = Duration.ofSeconds(args.integer("seconds", 20));
        Duration jitWarmupLimit = Duration.ofSeconds(args.integer("gateway-warmup", 300));
        int floorGroup = args.integer("floor-group", 0);
        Integer intakeTransactions = args.has("intake-transactions") ? args.integer("intake-transactions", 0) : null;
        report.line("intake: %d clients, warm-up %s, measure %s per phase", clients, warmup, measure);
        try (Node node = Node.freshDatabase(4); Database raw = node.asOwner(clients);
             Ehr ehr = Ehr.start(args, Ehr.Kind.STUB)) {
            ehr.latency(3_600_000);
            node.intakeTransactions(intakeTransactions);
            ServedGateway gateway = ServedGateway.start(ServedGateway.ownProcess(args), node, ehr.baseUrl(), 1, false,
                    clients, 3_600_000L);
            report.line(ehr.describe());
            report.line(gateway.describe());
            report.line(node.describePostgres());
            Api api = new Api(gateway.port());
            StatementStats statements = StatementStats.enable(node);
            String gatewayRole = node.database().user();
            try {
                RawWrites rawWrites = RawWrites.prepare(raw);
                String ownerRole = raw.user();
                report.line("");
                report.line("phase 1: raw JDBC baseline, one row per transaction");
                Phase base = phase(report, node, gateway, false, warmup, statements, "raw", ownerRole, "insert",
                        () -> Load.closed(clients, warmup, measure, rawWrites::insertOneRow));

                report.line("");
                report.line("phase 2: floor baseline, intake's four rows (event, operation, queue row, audit entry)"
                        + " per transaction; the entry's pending mark %s", rawWrites.auditPendingMark());
                Phase floor = phase(report, node, gateway, false, warmup, statements, "floor", ownerRole, "event",
                        () -> Load.closed(clients, warmup, measure, rawWrites::insertFloor));
                if (floorGroup > 1) {
                    report.line("");
                    report.line("phase 2b: the floor's rows for %d events per transaction, a multi-row statement per"
                            + " table (what group commit would write; not a target's baseline)", floorGroup);
                    Phase grouped = phase(report, node, gateway, false, warmup, statements, "grouped", ownerRole,
                            "group", () -> Load.closed(clients, warmup, measure,
                                    () -> rawWrites.insertFloorGroup(floorGroup)));
                    report.line("grouped: %.1f events/s; per event: clients' JVM %.3f ms, PostgreSQL %.3f ms",
                            floorGroup * grouped.load().rate(), grouped.jvmMs() / floorGroup,
                            grouped.pgMs() / floorGroup);
                    report.figure("grouped floor events/s (" + floorGroup + " per transaction)",
                            floorGroup * grouped.load().rate());
                    report.figure("ratio grouped floor/floor (events/s)",
                            floorGroup * grouped.load().rate() / floor.load().rate());
                }
                // The node's audit sealer seals the floor's entries too; let it finish before the gateway is measured.
                awaitSealed(report, raw);

                report.line("");
                warmUntilCompiled(report, gateway, Math.max(1, clients / 4), jitWarmupLimit,
                        () -> api.submit(Bodies.next()) == 202);

                report.line("");
                report.line("phase 3: gateway POST /v1/events, closed loop");
                Phase gw = phase(report, node, gateway, true, warmup, statements, "gateway", gatewayRole, "event",
                        () -> Load.closed(clients, warmup, measure, () -> api.submit(Bodies.next()) == 202));

                double paceRate = 0.8 * gw.load().rate();
                report.line("");
                report.line("phase 4: gateway paced at 60%%, 70%% and 80%% of its maximum, latency from intended"
                        + " start; the target is the 80%% step's (%.0f/s)", paceRate);
                Load.Result paced = null;
                long pacedFailed = 0;
                List<String> pacedP99 = new ArrayList<>();
                for (double fraction : PACED_FRACTIONS) {
                    report.load("before");
                    JitWindow pacedJit = JitWindow.after(gateway, Duration.ZERO);
                    paced = Load.paced(clients, fraction * gw.load().rate(), measure,
                            () -> api.submit(Bodies.next()) == 202);
                    report.load("after");
                    report.line("paced %.0f%%: %s", 100 * fraction, paced.summary());
                    pacedFailed += paced.failed();
                    pacedP99.add(String.format(java.util.Locale.ROOT, "%.1f", paced.ms(99)));
                    pacedJit.print(report, String.format(java.util.Locale.ROOT, "paced %.0f%%", 100 * fraction));
                }
                Delivered.patientLines(report, new Jdbc(raw.dataSource()));

                report.line("");
                report.figure("raw JDBC inserts/s", base.load().rate());
                report.figure("floor events/s (4 rows per transaction)", floor.load().rate());
                report.figure("gateway accepted events/s", gw.load().rate());
                report.figure("CPU ms per call, clients' JVM: raw / floor / gateway", triple(base.jvmMs(),
                        floor.jvmMs(), gw.jvmMs()));
                report.figure("CPU ms per call, PostgreSQL: raw / floor / gateway", triple(base.pgMs(), floor.pgMs(),
                        gw.pgMs()));
                report.figure("CPU ms per call, gateway process: raw / floor / gateway", triple(base.gatewayMs(),
                        floor.gatewayMs(), gw.gatewayMs()));
                report.figure("ratio gateway/floor (events/s)", gw.load().rate() / floor.load().rate());
                report.figure("ratio gateway/raw (events/s)", gw.load().rate() / base.load().rate());
                report.figure("ratio floor/raw (events/s)", floor.load().rate() / base.load().rate());
                report.figure("gateway p99 ms at max", gw.load().ms(99));
                report.figure("paced rate offered/s", paceRate);
                report.figure("paced achieved/s", paced.rate());
                report.figure("paced p50 ms", paced.ms(50));
                report.figure("paced p99 ms", paced.ms(99));
                report.figure("paced p99 ms at 60% / 70% / 80%", String.join(" / ", pacedP99));
                report.figure("failed requests (all phases)", gw.load().failed() + pacedFailed
                        + base.load().failed() + floor.load().failed());
                report.target("intake ratio gateway/floor", gw.load().rate() / floor.load().rate(), 0.8, "", true);
                report.target("intake ratio gateway/raw", gw.load().rate() / base.load().rate(), 0.5, "", true);
                report.target("intake p99 at 80% of max", paced.ms(99), 25, "ms", false);
            } finally {
                ehr.close(); // first: the write it holds ends, so the node stops at once
                gateway.close();
            }
        }
    }

    /** The paced steps, as fractions of the closed loop's rate; the last is the target's 80%. */
    private static final double[] PACED_FRACTIONS = {0.6, 0.7, 0.8};

    /** A slice of the gateway's warm-up whose JIT share is below this ends it: its compilers have caught up. */
    static final double JIT_SETTLED = 0.05;
    private static final Duration WARMUP_SLICE = Duration.ofSeconds(10);

    /**
     * Warms the served gateway until its JIT has compiled the intake path: closed-loop load from a quarter of the
     * clients (so that the compiler threads get CPU; at saturation they fall behind, issue #17), in slices of 10 s,
     * until a slice in which the JIT compiler threads took under {@value #JIT_SETTLED} of the process's CPU, or
     * {@code limit}. A node running for hours has paid its JIT long before; the phases measure that node.
     */
    private static void warmUntilCompiled(Report report, ServedGateway gateway, int clients, Duration limit,
                                          Load.Operation submit) {
        report.line("gateway warm-up (not measured): %d clients until a %d s slice's JIT share is under %.0f%%,"
                + " at most %d s", clients, WARMUP_SLICE.toSeconds(), 100 * JIT_SETTLED, limit.toSeconds());
        long started = System.nanoTime();
        StringBuilder shares = new StringBuilder();
        while (true) {
            long jit0 = gateway.jitCpuNanos();
            long cpu0 = gateway.cpuNanos();
            Load.Result slice = Load.closed(clients, Duration.ZERO, WARMUP_SLICE, submit);
            long cpu = gateway.cpuNanos() - cpu0;
            double share = jit0 < 0 || cpu <= 0 ? Double.NaN : (double) (gateway.jitCpuNanos() - jit0) / cpu;
            shares.append(String.format(java.util.Locale.ROOT, " %.0f%% (%.0f/s)", 100 * share, slice.rate()));
            long elapsed = System.nanoTime() - started;
            if (Double.isNaN(share)) {
                report.line("  one slice: the JIT's share cannot be read (gateway inline, or no /proc)");
                return;
            }
            if (share < JIT_SETTLED || elapsed >= limit.toNanos()) {
                report.line("  JIT share per slice:%s; %s after %d s", shares,
                        share < JIT_SETTLED ? "settled" : "NOT settled", elapsed / 1_000_000_000L);
                return;
            }
        }
    }

    private static String triple(double a, double b, double c) {
        return String.format(java.util.Locale.ROOT, "%.3f / %.3f / %.3f", a, b, c);
    }

    private interface Run {
        Load.Result run() throws Exception;
    }

    /**
     * Runs one closed-loop phase with its load, CPU (warm-up included) and statements printed.
     *
     * @param load whether the load goes to the gateway; in a baseline's phase the gateway process only seals the
     *             baseline's audit entries (floor), which is printed too
     */
    private static Phase phase(Report report, Node node, ServedGateway gateway, boolean load, Duration warmup,
                               StatementStats statements, String what, String role, String unit, Run run)
            throws Exception {
        report.load("before");
        long pg = Machine.postmasterOf(node.dataDir());
        long cpu0 = Machine.jvmCpuNanos();
        long pg0 = Machine.treeCpuNanos(pg);
        long gw0 = gateway.cpuNanos();
        statements.reset();
        JitWindow measured = load ? JitWindow.after(gateway, warmup) : null;
        Load.Result r = run.run();
        double jvm = (Machine.jvmCpuNanos() - cpu0) / 1e6 / r.calls();
        long pgNow = Machine.treeCpuNanos(pg);
        double pgMs = pg0 < 0 || pgNow < 0 ? Double.NaN : (pgNow - pg0) / 1e6 / r.calls();
        double gwMs = gw0 < 0 ? Double.NaN : (gateway.cpuNanos() - gw0) / 1e6 / r.calls();
        report.load("after");
        report.line("%-8s %s", what + ":", r.summary());
        if (measured != null) {
            measured.print(report, what + " phase after its warm-up");
        }
        if (!gateway.inOwnProcess()) {
            report.line("%s CPU per call (warm-up included): JVM %.3f ms (clients%s), PostgreSQL %.3f ms", what, jvm,
                    load ? " + gateway" : "; the inline gateway's audit sealer too", pgMs);
        } else {
            report.line("%s CPU per call (warm-up included): gateway process %.3f ms%s, clients' JVM %.3f ms,"
                    + " PostgreSQL %.3f ms", what, gwMs, load ? "" : " (its audit sealer, idle polls)", jvm, pgMs);
        }
        // Statements of the whole phase, warm-up included, per call made in it.
        statements.print(report, what, r.calls(), unit, role);
        return new Phase(r, jvm, pgMs, gwMs);
    }

    /**
     * The gateway process's CPU from a moment on (the end of a warm-up) and its JIT compiler threads' share of it:
     * whether a measured window still pays for compiling the intake path. Reads {@code /proc} from a thread of its
     * own when the moment comes.
     */
    private static final class JitWindow {
        private final ServedGateway gateway;
        private volatile long cpu0 = -1;
        private volatile long jit0 = -1;

        private JitWindow(ServedGateway gateway) {
            this.gateway = gateway;
        }

        static JitWindow after(ServedGateway gateway, Duration delay) {
            JitWindow w = new JitWindow(gateway);
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(delay.toMillis());
                    w.jit0 = gateway.jitCpuNanos();
                    w.cpu0 = gateway.cpuNanos();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jit-window");
            t.setDaemon(true);
            t.start();
            return w;
        }

        void print(Report report, String what) {
            long cpu = gateway.cpuNanos();
            long jit = gateway.jitCpuNanos();
            if (cpu0 < 0 || jit0 < 0 || cpu < 0 || jit < 0 || cpu == cpu0) {
                return; // inline gateway, or no /proc
            }
            report.line("gateway process, %s: JIT compiler threads %.0f%% of its CPU (%.0f of %.0f ms)", what,
                    100.0 * (jit - jit0) / (cpu - cpu0), (jit - jit0) / 1e6, (cpu - cpu0) / 1e6);
        }
    }

    private static void awaitSealed(Report report, Database db) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        long pending;
        while ((pending = count(db, "audit_pending")) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        report.line("audit entries of the floor phase sealed by the node before the next phase (%d still pending)",
                pending);
    }

    static long count(Database db, String table) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
