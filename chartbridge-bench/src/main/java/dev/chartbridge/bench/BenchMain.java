package dev.chartbridge.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one benchmark: {@code BenchMain intake|delivery|latency|cost|fuzz|crash|ratelimit|idle [--option value ...]}, or
 * {@code BenchMain all [--option value ...]}: intake, delivery, latency, cost and fuzz one after the other. Each
 * prints its figures and writes them under {@code bench-results/}. {@code --patients N} (default
 * {@value Bodies#DEFAULT_PATIENTS}) sets how many patients the events are spread over. See
 * {@code docs/benchmarks.md}.
 */
public final class BenchMain {
    /** What {@code all} runs, in order. */
    static final List<String> ALL = List.of("intake", "delivery", "latency", "cost", "fuzz");
    /** The benchmarks that start an EHR process of their own: the gateway side and the EHR get a CPU each. */
    static final List<String> PINNED = List.of("delivery", "latency", "cost");

    private BenchMain() {
    }

    /** Options given as {@code --name value}. */
    record Args(Map<String, String> values) {
        int integer(String name, int fallback) {
            return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String text(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            usage();
            return;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            options.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Args args = new Args(options);
        Bodies.spreadOver(args.integer("patients", Bodies.DEFAULT_PATIENTS));
        Report report = new Report(argv[0]);
        if (PINNED.contains(argv[0]) && options.containsKey("ehr-url")) {
            report.line("pinning: none (--ehr-url: the EHR is not started here; pin it and this run by hand)");
        } else if (PINNED.contains(argv[0])) {
            // Before PostgreSQL, the gateway and the EHR process start, so that each inherits its side's CPU.
            report.line(Pinning.pinGatewaySide(!"off".equals(options.get("pin"))));
        }
        switch (argv[0]) {
            case "intake" -> IntakeBench.run(args, report);
            case "delivery" -> DeliveryBench.run(args, report);
            case "latency" -> LatencyBench.run(args, report);
            case "cost" -> CostBench.run(args, report);
            case "fuzz" -> FuzzBench.run(args, report);
            case "crash" -> CrashBench.run(args, report);
            case "ratelimit" -> RateLimitBench.run(args, report);
            case "idle" -> IdleBench.run(args, report);
            case "all" -> all(Arrays.copyOfRange(argv, 1, argv.length), report);
            default -> {
                usage();
                System.exit(2);
            }
        }
        report.write();
        System.exit(0);
    }

    /**
     * Runs each benchmark of {@link #ALL} in a JVM of its own (this one's options and class path), one after the
     * other, so none inherits another's heap, threads or compiled code; the options given are passed to each. Every
     * benchmark writes its own results; this report lists them with their target lines.
     */
    private static void all(String[] options, Report report) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> summary = new ArrayList<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String name : ALL) {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), name));
            command.addAll(Arrays.asList(options));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            summary.add(name + ":");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println(line);
                    if (line.startsWith("TARGET ") || line.startsWith("results written to ")) {
                        summary.add("  " + line);
                    }
                }
            }
            int status = p.waitFor();
            summary.add("  exit status " + status);
            statuses.put(name, status);
        }
        report.line("");
        report.line("all: %s", String.join(", ", ALL));
        summary.forEach(report::line);
        statuses.forEach((name, status) -> report.figure(name + " exit status", status));
    }

    private static void usage() {
        System.err.println("usage: bench " + String.join("|", List.of("intake", "delivery", "latency", "cost", "fuzz",
                "crash", "ratelimit", "idle", "all")) + " [--option value ...]   (see docs/benchmarks.md)");
    }
}
