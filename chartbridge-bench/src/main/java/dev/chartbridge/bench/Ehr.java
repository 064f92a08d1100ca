package dev.chartbridge.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EHR a delivery benchmark writes to, chosen by {@code --ehr stub|simulator} (or {@code --ehr-url URL} for one
 * already running): the minimal {@link EhrStubMain}, or the generic FHIR simulator ({@code SimulatorsMain}), each
 * started as a child JVM on this class path and, where {@link Pinning} allows, on a CPU of its own. Its CPU is
 * read from {@code /proc} of its pid and reported apart from the gateway's. An EHR given by URL has no pid here: its
 * CPU is not known, and it is neither reset nor slowed by this class.
 */
final class Ehr implements AutoCloseable {
    enum Kind { STUB, SIMULATOR, URL }

    private static final Pattern COUNT = Pattern.compile("\"requests\"\\s*:\\s*(\\d+)");

    private final Kind kind;
    private final Process process;
    private final String baseUrl;
    /** The stub's {@code /_stub} or the simulator's {@code /_sim}; null for an EHR given by URL. */
    private final String controlUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    private Ehr(Kind kind, Process process, String baseUrl, String controlUrl) {
        this.kind = kind;
        this.process = process;
        this.baseUrl = baseUrl;
        this.controlUrl = controlUrl;
    }

    /** The EHR the options name: {@code --ehr-url} if given, else {@code --ehr} (default {@code fallback}). */
    static Ehr start(BenchMain.Args args, Kind fallback) throws Exception {
        String url = args.values().get("ehr-url");
        if (url != null) {
            return new Ehr(Kind.URL, null, url, null);
        }
        Kind kind = Kind.valueOf(args.values().getOrDefault("ehr", fallback.name()).toUpperCase(java.util.Locale.ROOT));
        List<String> command = new ArrayList<>(Pinning.ehrPrefix());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and serial: one CPU, and the stub keeps nothing; the simulator keeps what is written.
                kind == Kind.STUB ? "-Xmx256m" : "-Xmx2g", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path")));
        if (kind == Kind.STUB) {
            command.add(EhrStubMain.class.getName());
        } else if (kind == Kind.SIMULATOR) {
            command.addAll(List.of("dev.chartbridge.simulators.SimulatorsMain", "--population",
                    Integer.toString(Bodies.patients())));
        } else {
            throw new IllegalArgumentException("--ehr is stub or simulator; use --ehr-url for a running EHR");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return ready(kind, p);
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Reads the child's output until it names its URL, then keeps draining it so the child never blocks. */
    private static Ehr ready(Kind kind, Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            String[] f = line.trim().split("\\s+");
            String base = null;
            String control = null;
            if (kind == Kind.STUB && line.startsWith(EhrStubMain.READY)) {
                base = f[2];
                control = base.replaceFirst("/fhir$", "/_stub");
            } else if (kind == Kind.SIMULATOR && line.startsWith("FHIR R4 simulator")) {
                base = f[3];
                control = f[5].replace(")", "");
            }
            if (base != null) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "ehr-output");
                drain.setDaemon(true);
                drain.start();
                return new Ehr(kind, p, base, control);
            }
        }
        throw new IllegalStateException("the EHR process (" + kind + ") ended before printing its URL");
    }

    String baseUrl() {
        return baseUrl;
    }

    Kind kind() {
        return kind;
    }

    /** A line for the report: what the EHR is, where, and on which CPU. */
    String describe() {
        return switch (kind) {
            case STUB -> "EHR: minimal stub (EhrStubMain, no FHIR parsing), own process pid " + process.pid()
                    + ", allowed CPUs " + Pinning.allowedList(process.pid()) + ", " + baseUrl;
            case SIMULATOR -> "EHR: generic FHIR R4 simulator (SimulatorsMain), own process pid " + process.pid()
                    + ", allowed CPUs " + Pinning.allowedList(process.pid()) + ", " + baseUrl;
            case URL -> "EHR: already running at " + baseUrl + " (its CPU is not measured here)";
        };
    }

    /** CPU time of the EHR process so far, ns; -1 when it is not ours. */
    long cpuNanos() {
        return process == null ? -1 : Machine.treeCpuNanos(process.pid());
    }

    /** Requests the EHR has counted since start or the last {@link #reset()}; -1 when it is not ours. */
    long requests() {
        if (controlUrl == null) {
            return -1;
        }
        Matcher m = COUNT.matcher(call("GET", "/stats"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Every answer after {@code ms} (the stub's own setting, the simulator's latency fault). */
    void latency(long ms) {
        if (kind == Kind.STUB) {
            call("POST", "/latency?ms=" + ms);
        } else if (kind == Kind.SIMULATOR) {
            call("POST", "/faults", "{\"latency\":{\"minMs\":" + ms + ",\"maxMs\":" + ms + ",\"writesOnly\":false}}");
        }
    }

    /** Counts back to zero; the simulator also forgets what was written (its seed stays). */
    void reset() {
        if (controlUrl != null) {
            call("POST", "/reset");
        }
    }

    private String call(String method, String path) {
        return call(method, path, "");
    }

    private String call(String method, String path, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controlUrl + path))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode());
            }
            return r.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
