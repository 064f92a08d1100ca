package dev.chartbridge.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one benchmark: {@code BenchMain intake|delivery|latency|cost|fuzz|crash|ratelimit [--option value ...]}. Each prints its
 * figures and writes them under {@code bench-results/}. See {@code docs/benchmarks.md}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Options given as {@code --name value}. */
    record Args(Map<String, String> values) {
        int integer(String name, int fallback) {
            return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
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
        Report report = new Report(argv[0]);
        switch (argv[0]) {
            case "intake" -> IntakeBench.run(args, report);
            case "delivery" -> DeliveryBench.run(args, report);
            case "latency" -> LatencyBench.run(args, report);
            case "cost" -> CostBench.run(args, report);
            case "fuzz" -> FuzzBench.run(args, report);
            case "crash" -> CrashBench.run(args, report);
            case "ratelimit" -> RateLimitBench.run(args, report);
            default -> {
                usage();
                System.exit(2);
            }
        }
        report.write();
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: bench " + String.join("|", List.of("intake", "delivery", "latency", "cost", "fuzz", "crash", "ratelimit"))
                + " [--option value ...]   (see docs/benchmarks.md)");
    }
}
