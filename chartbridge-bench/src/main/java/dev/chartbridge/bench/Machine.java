package dev.chartbridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Facts about the machine and process CPU, read from the JVM and {@code /proc} (Linux). */
final class Machine {
    private Machine() {
    }

    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cpus, " + memInfo() + ", java "
                + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.name") + "), max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB, load average " + loadAverage();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String memInfo() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            return "RAM " + kb(lines, "MemTotal") / (1024 * 1024) + " GB (" + kb(lines, "MemAvailable") / (1024 * 1024)
                    + " GB available)";
        } catch (IOException e) {
            return "RAM n/a";
        }
    }

    private static long kb(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + ":")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
    }

    /** CPU time of this JVM so far, in nanoseconds. */
    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time so far of this JVM's JIT compiler threads ({@link #jitCpuNanos(long)}), in ns; -1 if unknown. */
    static long jitCpuNanos() {
        return jitCpuNanos(ProcessHandle.current().pid());
    }

    /** CPU time (user + system, own and reaped children) of a process and its live descendants, in ns; -1 if unknown. */
    static long treeCpuNanos(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElse(null);
        if (root == null) {
            return -1;
        }
        long ticks = ticks(pid, true);
        for (ProcessHandle child : root.descendants().toList()) {
            ticks += Math.max(0, ticks(child.pid(), false));
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /**
     * CPU time of the JIT compiler threads (HotSpot's {@code C1/C2 CompilerThread*}, told apart by their names in
     * {@code /proc/<pid>/task}; they are the JVM's, not Java threads, so its thread beans do not see them) of a JVM
     * process, in ns; -1 if unknown. Threads that ended meanwhile (HotSpot stops idle compiler threads) are not
     * counted.
     */
    static long jitCpuNanos(long pid) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            long ticks = 0;
            for (Path task : tasks.toList()) {
                String comm = readOrEmpty(task.resolve("comm"));
                if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                    ticks += Math.max(0, ticks(task.resolve("stat"), false));
                }
            }
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static long ticks(long pid, boolean withChildren) {
        return ticks(Path.of("/proc/" + pid + "/stat"), withChildren);
    }

    private static long ticks(Path statFile, boolean withChildren) {
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after "(comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static final String AUTOVACUUM_AND_POSTMASTER = "autovacuum and the postmaster";

    /** What a PostgreSQL process is, by the title it sets ({@code postgres: walwriter}, {@code postgres: user db ...}). */
    static String postgresKind(String title) {
        String t = title.startsWith("postgres: ") ? title.substring("postgres: ".length()) : title;
        if (t.startsWith("autovacuum")) {
            return AUTOVACUUM_AND_POSTMASTER; // with the workers that ended, which the postmaster reaped
        }
        for (String background : List.of("walwriter", "checkpointer", "background writer", "io worker",
                "logical replication", "walsummarizer", "archiver", "startup")) {
            if (t.startsWith(background)) {
                return "background (WAL writer, checkpointer, writer, I/O workers)";
            }
        }
        return "connections' backends";
    }

    /**
     * CPU time so far of a PostgreSQL server by kind of process ({@link #postgresKind}), in ns: its live processes
     * by their titles; autovacuum's together with the postmaster's own time and that of the children it reaped
     * (autovacuum workers end after each table, and their time moves to the postmaster's). Empty if unknown.
     */
    static java.util.Map<String, Long> postgresCpuByKind(long postmaster) {
        java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
        ProcessHandle root = ProcessHandle.of(postmaster).orElse(null);
        if (root == null) {
            return kinds;
        }
        kinds.put(AUTOVACUUM_AND_POSTMASTER, ticks(postmaster, true) * 10_000_000L);
        for (ProcessHandle child : root.descendants().toList()) {
            String title = readOrEmpty(Path.of("/proc/" + child.pid() + "/cmdline")).replace('\0', ' ').trim();
            kinds.merge(postgresKind(title), Math.max(0, ticks(child.pid(), false)) * 10_000_000L, Long::sum);
        }
        return kinds;
    }

    /** The PostgreSQL postmaster serving {@code dataDir}, found by its command line; -1 if not found. */
    static long postmasterOf(Path dataDir) {
        String dir = dataDir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(dir)).orElse(false))
                .mapToLong(ProcessHandle::pid).min().orElse(-1);
    }
}
