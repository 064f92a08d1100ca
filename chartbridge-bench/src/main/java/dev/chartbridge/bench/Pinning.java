package dev.chartbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which CPU each side of a benchmark runs on, with {@code taskset} (util-linux), when the machine has it and at
 * least 2 CPUs: the gateway side (this JVM with the gateway and the load clients, and the embedded PostgreSQL it
 * starts afterwards, which inherits the mask) on CPU {@value #GATEWAY_CPU}, the EHR process on CPU
 * {@value #EHR_CPU}. So the EHR never takes CPU from the gateway, and the CPU figures of the two do not disturb
 * each other. Where it is not possible (one CPU, no taskset, {@code --pin off}) nothing is pinned and the run says
 * so.
 */
final class Pinning {
    static final int GATEWAY_CPU = 0;
    static final int EHR_CPU = 1;
    private static volatile boolean on;

    private Pinning() {
    }

    /** Whether {@code taskset} exists and there are at least 2 CPUs to split. */
    static boolean possible() {
        return Runtime.getRuntime().availableProcessors() >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"));
    }

    /**
     * Pins every thread of this JVM to {@link #GATEWAY_CPU} ({@code taskset -a -p}); threads and processes started
     * later inherit it (Linux copies the creating thread's mask). Call first thing, before PostgreSQL and the
     * gateway start. Returns a line saying what was done.
     */
    static String pinGatewaySide(boolean wanted) {
        if (!wanted) {
            return "pinning: off (--pin off); gateway and EHR share all " + cpus();
        }
        if (!possible()) {
            return "pinning: not possible here (needs taskset and 2 CPUs); gateway and EHR share " + cpus();
        }
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(GATEWAY_CPU),
                    Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (p.waitFor() != 0) {
                return "pinning: taskset failed (exit " + p.exitValue() + "); nothing pinned, " + cpus();
            }
        } catch (IOException e) {
            return "pinning: taskset failed (" + e.getMessage() + "); nothing pinned, " + cpus();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "pinning: interrupted; nothing pinned";
        }
        on = true;
        return "pinning: gateway side (this JVM: gateway, load clients; its PostgreSQL) on CPU " + GATEWAY_CPU
                + " (allowed now: " + allowedList() + "), EHR process on CPU " + EHR_CPU;
    }

    /** Whether this run pins ({@link #pinGatewaySide} succeeded): {@link #aside} moves probes only then. */
    static boolean pinned() {
        return on;
    }

    /** The command prefix that puts a child process on the EHR's CPU, or nothing when not pinning. */
    static List<String> ehrPrefix() {
        return on ? List.of("taskset", "-c", Integer.toString(EHR_CPU)) : List.of();
    }

    /** This process's allowed CPUs as {@code /proc/self/status} lists them. */
    static String allowedList() {
        return allowedList("self");
    }

    /** A process's allowed CPUs ({@code Cpus_allowed_list} of {@code /proc/<pid>/status}), to show what it got. */
    static String allowedList(long pid) {
        return pid < 0 ? "?" : allowedList(Long.toString(pid));
    }

    private static String allowedList(String pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.split(":\\s*", 2)[1]).findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Moves the calling thread and the PostgreSQL backend of {@code c} to the EHR's CPU until closed, then back to
     * the gateway's: for a probe that times a statement against the gateway's database while the gateway keeps its
     * own CPU busy, so that the time is the statement's and not the wait for that CPU (the EHR's CPU is nearly idle
     * with the stub). Does nothing when not pinning.
     */
    static Aside aside(java.sql.Connection c) throws java.sql.SQLException {
        if (!on) {
            return () -> { };
        }
        long backend;
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            backend = rs.getLong(1);
        }
        long thread;
        try {
            thread = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException("no /proc/thread-self", e);
        }
        move(EHR_CPU, thread, backend);
        return () -> move(GATEWAY_CPU, thread, backend);
    }

    /** {@link #aside}'s undoing. */
    interface Aside extends AutoCloseable {
        @Override
        void close();
    }

    private static void move(int cpu, long... pids) {
        for (long pid : pids) {
            try {
                Process p = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(cpu), Long.toString(pid))
                        .redirectErrorStream(true).start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("taskset -p -c " + cpu + " " + pid + ": exit " + p.exitValue());
                }
            } catch (IOException e) {
                throw new IllegalStateException("taskset failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static String cpus() {
        return Runtime.getRuntime().availableProcessors() + " CPUs";
    }
}
