package dev.chartbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 7 of the issue, fuzz: malformed requests against {@code POST /v1/events} of a real node. Passes when
 * no answer is 5xx, no row is written (events, operations, queue rows and audit entries are counted before and
 * after), and every 4xx problem names the field: {@code errors[].pointer} holds a JSON Pointer into the body
 * ({@code ""} for the body as a whole) or {@code header:Name}.
 */
final class FuzzBench {
    private static final List<String> TABLES = List.of("clinical_event", "write_operation", "outbox", "audit_entry");

    private FuzzBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int total = args.integer("requests", 10_000);
        int threads = args.integer("clients", 8);
        List<FuzzCase> cases = new FuzzCases().generate(total);
        report.line("fuzz: %d malformed requests, %d clients", cases.size(), threads);
        try (Node node = Node.freshDatabase(4); FhirSimulator ehr = FhirSimulator.start()) {
            Jdbc jdbc = new Jdbc(node.database().dataSource());
            // Failed authentications are not throttled here (tested in AccessEdgesTest): otherwise the wrong-key
            // cases would soon have every later case answered 429 before its input is looked at.
            Gateway gateway = Gateway.start(node.config(ehr.baseUrl(), 8, true, null, 10_000L)
                    .with(new GatewayConfig.AccessConfig(null, null, Integer.MAX_VALUE)));
            try {
                Api api = new Api(gateway.port());
                Map<String, Long> before = counts(jdbc);
                Map<String, AtomicLong> byStatus = new ConcurrentHashMap<>();
                Map<String, AtomicLong> byCategory = new ConcurrentHashMap<>();
                List<String> violations = Collections.synchronizedList(new ArrayList<>());
                Map<String, List<String>> examples = new ConcurrentHashMap<>();
                AtomicInteger next = new AtomicInteger();
                long start = System.nanoTime();
                report.load("before");
                Load.count(threads, cases.size(), () -> {
                    FuzzCase c = cases.get(next.getAndIncrement());
                    Api.Answer a = api.post(c.body(), c.headers());
                    byStatus.computeIfAbsent(String.valueOf(a.status()), k -> new AtomicLong()).incrementAndGet();
                    byCategory.computeIfAbsent(c.category() + " -> " + a.status(), k -> new AtomicLong())
                            .incrementAndGet();
                    String problem = check(a);
                    if (problem != null) {
                        String kind = a.status() + " " + problem + " | " + c.category();
                        violations.add(kind);
                        List<String> ex = examples.computeIfAbsent(kind, k -> Collections.synchronizedList(
                                new ArrayList<>()));
                        if (ex.size() < 6) {
                            ex.add(FuzzCases.escape(c.description()) + " -> "
                                    + FuzzCases.abbreviate(FuzzCases.escape(a.body())));
                        }
                    }
                    return problem == null;
                });
                report.load("after");
                Map<String, Long> after = counts(jdbc);
                report.line("%d requests in %.1f s", cases.size(), (System.nanoTime() - start) / 1e9);
                report.line("answers by status: %s", new TreeMap<>(byStatus));
                report.line("answers by category and status:");
                new TreeMap<>(byCategory).forEach((k, v) -> report.line("  %-32s %6d", k, v.get()));
                report.line("rows before: %s", before);
                report.line("rows after:  %s", after);
                long fiveXX = byStatus.entrySet().stream().filter(e -> e.getKey().startsWith("5"))
                        .mapToLong(e -> e.getValue().get()).sum();
                long written = TABLES.stream().mapToLong(t -> after.get(t) - before.get(t)).sum();
                report.line("violations: %d", violations.size());
                new TreeMap<>(examples).forEach((kind, ex) -> {
                    report.line("  %5d x %s", violations.stream().filter(kind::equals).count(), kind);
                    ex.forEach(e -> report.line("          e.g. %s", e));
                });
                report.figure("requests", cases.size());
                report.figure("5xx answers", fiveXX);
                report.figure("rows written", written);
                report.figure("4xx answers without a field named", violations.stream()
                        .filter(v -> v.startsWith("4")).count());
                report.figure("violations (all kinds)", violations.size());
                report.target("5xx answers", fiveXX, 0, "", false);
                report.target("rows written", written, 0, "", false);
                report.target("answers that break a rule", violations.size(), 0, "", false);
            } finally {
                gateway.close();
            }
        }
    }

    /** Null when the answer follows the rules, otherwise what is wrong with it. */
    private static String check(Api.Answer a) {
        if (a.status() < 0) {
            return "no HTTP answer: " + a.body();
        }
        if (a.status() >= 500) {
            return "server error";
        }
        if (a.status() < 400) {
            return "accepted a malformed request";
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(a.body());
        } catch (Exception e) {
            return "error body is not JSON";
        }
        JsonNode errors = body == null ? null : body.get("errors");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
            return "no errors[] naming the field";
        }
        for (JsonNode e : errors) {
            JsonNode p = e.get("pointer");
            if (p == null || !p.isTextual()
                    || !(p.textValue().isEmpty() || p.textValue().startsWith("/") || p.textValue().startsWith("header:"))) {
                return "an error without a JSON pointer or header name";
            }
        }
        return null;
    }

    private static Map<String, Long> counts(Jdbc jdbc) {
        Map<String, Long> m = new TreeMap<>();
        for (String t : TABLES) {
            m.put(t, Delivered.single(jdbc, "SELECT count(*) FROM " + t));
        }
        return m;
    }
}
