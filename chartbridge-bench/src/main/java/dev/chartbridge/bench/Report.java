package dev.chartbridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one benchmark run prints: every line goes to standard output and to
 * {@code bench-results/<name>-<timestamp>.txt}; the key figures also go to a {@code .json} next to it. Not
 * thread-safe: one run writes it from one thread.
 */
final class Report {
    private final String name;
    private final StringBuilder text = new StringBuilder();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

    Report(String name) {
        this.name = name;
        line("# chartbridge bench %s, %s", name, LocalDateTime.now().withNano(0));
        line("machine: %s", Machine.describe());
        line("command: %s", System.getProperty("sun.java.command", "?"));
    }

    void line(String format, Object... args) {
        String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        System.out.println(s);
        System.out.flush();
        text.append(s).append('\n');
    }

    /** Records a figure for the JSON file (and prints it). */
    void figure(String key, Object value) {
        figures.put(key, value);
        line("  %-44s %s", key, value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : value);
    }

    /** Prints a target line: measured, target, ratio and whether it is met. */
    void target(String what, double measured, double target, String unit, boolean higherIsBetter) {
        double ratio = higherIsBetter ? measured / target : target / measured;
        boolean met = higherIsBetter ? measured >= target : measured <= target;
        String r = Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "n/a";
        String s = String.format(Locale.ROOT, "TARGET %-34s measured %.3f %s, target %s %.3f %s, ratio %s: %s",
                what, measured, unit, higherIsBetter ? ">=" : "<=", target, unit, r, met ? "MET" : "MISSED");
        line(s);
        figures.put("target: " + what, Map.of("measured", measured, "target", target, "unit", unit,
                "met", met));
    }

    void load(String when) {
        line("load average %s: %s", when, Machine.loadAverage());
    }

    Path write() {
        try {
            Path dir = Path.of("bench-results");
            Files.createDirectories(dir);
            Path txt = dir.resolve(name + "-" + stamp + ".txt");
            Files.writeString(txt, text);
            Files.writeString(dir.resolve(name + "-" + stamp + ".json"), toJson(figures));
            System.out.println("results written to " + txt.toAbsolutePath());
            return txt;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String toJson(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> quote(e.getKey().toString()) + ":" + toJson(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v instanceof Double d && (d.isNaN() || d.isInfinite()) ? "null" : v.toString();
        }
        return v == null ? "null" : quote(v.toString());
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
