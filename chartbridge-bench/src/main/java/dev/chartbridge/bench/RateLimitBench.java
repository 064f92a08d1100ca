package dev.chartbridge.bench;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.fhir.SeedData;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Benchmark 5, rate limits: the eClinicalWorks simulator allows 250 calls per minute per practice, token calls
 * included, and answers 429 without Retry-After for the rest of the minute. Conditions are offered at
 * {@code --per-minute} events (default 500; each needs at least a create and a read-back, so the offered EHR
 * load is at least four times the limit) for {@code --seconds} (default 180). The gateway must cause no 429:
 * the figure is the simulator's own count of 429s issued, with the calls it counted per window. The conditions are
 * spread round-robin over the simulator's generated population ({@code --patients}, as {@link Bodies}).
 */
final class RateLimitBench {
    private static final String CLIENT = "chartbridge-bench";
    private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

    private RateLimitBench() {
    }

    static void run(BenchMain.Args args, Report report) throws Exception {
        int perMinute = args.integer("per-minute", 500);
        int seconds = args.integer("seconds", 180);
        report.line("ratelimit: eCW simulator limit %d calls/min (token calls included); offered %d conditions/min"
                + " for %d s", EcwSimulator.DEFAULT_RATE_LIMIT, perMinute, seconds);
        try (Node node = Node.freshDatabase(8); EcwSimulator ehr = EcwSimulator.builder().population(Bodies.patients()).start()) {
            Jdbc jdbc = new Jdbc(node.database().dataSource());
            GatewayConfig fhirConfig = node.config(ehr.baseUrl(), 4, true, null, 10_000L);
            GatewayConfig.TenantConfig t = fhirConfig.tenants().get(0);
            String base = ehr.baseUrl().substring(0, ehr.baseUrl().lastIndexOf('/'));
            GatewayConfig.ConnectionConfig ecw = new GatewayConfig.ConnectionConfig(Node.TARGET, "eclinicalworks",
                    base, ehr.tokenUrl(), CLIENT, null, null, null, null, null, ehr.practiceCode(), null, null, 4,
                    10_000L);
            GatewayConfig config = new GatewayConfig(fhirConfig.database(), fhirConfig.http(), fhirConfig.delivery(),
                    fhirConfig.node(), fhirConfig.security(),
                    List.of(new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), List.of(ecw))));
            report.load("before");
            try (Gateway gateway = Gateway.start(config)) {
                ehr.registerClient(CLIENT, "http://127.0.0.1:" + gateway.port() + "/.well-known/jwks.json",
                        "system/Patient.rs", "system/Encounter.rs", "system/Condition.crs");
                Api api = new Api(gateway.port());
                long start = System.nanoTime();
                long intervalNanos = 60_000_000_000L / perMinute;
                int accepted = 0;
                long maxInWindow = 0;
                long nextSample = start;
                for (int n = 0; System.nanoTime() - start < seconds * 1_000_000_000L; n++) {
                    long due = start + n * intervalNanos;
                    while (System.nanoTime() < due) {
                        Thread.sleep(1);
                    }
                    if (api.submit(condition(n).getBytes(StandardCharsets.UTF_8)) == 202) {
                        accepted++;
                    }
                    if (System.nanoTime() >= nextSample) {
                        maxInWindow = Math.max(maxInWindow, ehr.rateLimit().callsInWindow());
                        nextSample += 1_000_000_000L;
                    }
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                report.load("after");
                long verified = Delivered.byState(jdbc).getOrDefault("VERIFIED", 0L);
                long issued = ehr.stats().tooManyRequestsIssued();
                report.line("states: %s", Delivered.byState(jdbc));
                Delivered.patientLines(report, jdbc);
                report.figure("events offered and accepted", accepted);
                report.figure("seconds offered", elapsed);
                report.figure("writes verified within the run", verified);
                report.figure("EHR calls counted by the simulator", ehr.stats().requests());
                report.figure("token requests", ehr.stats().count("tokenRequests"));
                report.figure("most calls the simulator counted in one window (sampled each second)", maxInWindow);
                report.figure("verified writes/min", verified / elapsed * 60);
                report.target("429s issued by the simulator", issued, 0, "", false);
            }
        }
    }

    /**
     * A distinct condition (each with its own onset date and note) for patient {@code n % patients} of the eCW
     * simulator's generated population, in that patient's open encounter.
     */
    private static String condition(long n) {
        String mrn = SeedData.populationMrn((int) (n % Bodies.patients()));
        return "{\"schemaVersion\":\"1\",\"type\":\"condition\",\"patient\":{\"identifiers\":[{\"system\":\""
                + EcwSeed.ACCOUNT_SYSTEM + "\",\"value\":\"" + mrn + "\"}]},"
                + "\"encounter\":{\"identifier\":{\"system\":\"" + EcwSeed.ENCOUNTER_SYSTEM + "\",\"value\":\"" + mrn
                + "\"}},"
                + "\"author\":{\"npi\":\"1234567893\",\"role\":\"physician\"},\"occurredAt\":\""
                + BASE.plusSeconds(n) + "\",\"targets\":[\"" + Node.TARGET + "\"],\"payload\":{\"code\":{\"system\":"
                + "\"http://snomed.info/sct\",\"code\":\"38341003\",\"display\":\"Hypertensive disorder\"},"
                + "\"clinicalStatus\":\"active\",\"verificationStatus\":\"provisional\",\"note\":\"reading " + n
                + "\"},\"provenance\":{\"aiAssisted\":false}}";
    }
}
