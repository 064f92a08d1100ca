package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a real {@code chartbridge serve} process in the middle of delivering, then a restart:
 * every event ends delivered, each exactly once in the EHR, nothing lost.
 */
class KillNineTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static final Pattern SERVING = Pattern.compile("ChartBridge serving on port (\\d+)");

    @Test
    void killed_in_the_middle_of_delivering_and_restarted_nothing_is_lost_or_written_twice() throws Exception {
        FhirSimulator sim = ehr.simulator();
        // Writes take 30-90 ms in the simulator's hands: long enough to be caught in flight by the kill below
        // (polled every 20 ms), short enough that 200 writes through 4 connections take seconds.
        sim.faults().latency(30, 90, true).commitThenTimeout(0.05, 1_500);
        Path config = writeConfig(sim.baseUrl());
        int events = 200;

        Node first = Node.start(config);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            TestGateway.Answer a = first.api.submit(Events.bloodPressureSpread(5000 + i), null);
            assertThat(a.status()).isEqualTo(202);
            ids.add(a.body().get("id").asText());
        }
        waitUntil(() -> sim.resources("Observation").size() >= 30, Duration.ofSeconds(60));
        // Kill while a write is in the simulator's hands (received, not yet stored), so one send is surely in flight.
        waitUntil(() -> sim.stats().journal().matching("POST", "/fhir/Observation").size()
                > sim.resources("Observation").size(), Duration.ofSeconds(60));
        first.process.destroyForcibly().waitFor();
        int landedBeforeKill = sim.resources("Observation").size();
        assertThat(landedBeforeKill).as("killed in the middle").isLessThan(events);

        sim.faults().clear();
        Node second = Node.start(config);
        try {
            for (String id : ids) {
                JsonNode status = second.api.await(id, s -> s.get("status").asText().equals("delivered"),
                        Duration.ofSeconds(60));
                assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
            }
        } finally {
            second.process.destroy();
            second.process.waitFor();
        }
        List<Resource> stored = sim.resources("Observation");
        Map<String, Long> copies = stored.stream().map(r -> writeKey((Observation) r))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(stored).hasSize(events);
        assertThat(copies.values()).allMatch(n -> n == 1);
        assertThat(pg.count("SELECT count(*) FROM outbox")).isZero();
        // Sends were in flight when the node died: the restarted node took their claims over after the lease
        // and reconciled each before anything was resent.
        assertThat(pg.count("SELECT count(*) FROM delivery_attempt WHERE step = 'RECOVER'")).isPositive();
    }

    private static String writeKey(Observation o) {
        return o.getIdentifier().stream().filter(i -> WriteContext.IDENTIFIER_SYSTEM.equals(i.getSystem()))
                .map(Identifier::getValue).findFirst().orElse("none");
    }

    private static Path writeConfig(String ehrUrl) throws IOException {
        Path dir = Files.createTempDirectory("killnine");
        Path key = dir.resolve("key");
        Files.writeString(key, TestGateway.KEY);
        Path config = dir.resolve("chartbridge.yaml");
        Files.writeString(config, String.join("\n",
                "database:",
                "  url: " + pg.url(),
                "  user: postgres",
                "http:",
                "  port: 0",
                "delivery:",
                "  baseDelayMs: 50",
                "  maxDelayMs: 500",
                "  leaseMs: 2000",
                "  reconcileDelayMs: 100",
                "tenants:",
                "  - id: " + TestGateway.TENANT,
                "    apiKeys:",
                "      - label: tests",
                "        secretFile: " + key,
                "    connections:",
                "      - name: " + TestGateway.TARGET,
                "        vendor: fhir-r4",
                "        baseUrl: " + ehrUrl,
                "        maxConcurrency: 4",
                "        readTimeoutMs: 1000", ""));
        return config;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited too long").isBefore(deadline);
            TestGateway.sleep(20);
        }
    }

    /** A gateway node in its own JVM, started with {@code chartbridge serve}. */
    private record Node(Process process, ApiClient api) {
        static Node start(Path config) throws Exception {
            Path log = Files.createTempFile("chartbridge-serve", ".log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.chartbridge.app.cli.ChartBridgeCli",
                    "serve", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // Generous: a JVM with the whole test classpath starts in seconds, but in minutes on a machine whose
            // cores the other test JVM (the HAPI JPA server's start) and other builds hold.
            Instant deadline = Instant.now().plusSeconds(180);
            while (Instant.now().isBefore(deadline)) {
                Matcher m = SERVING.matcher(Files.readString(log));
                if (m.find()) {
                    return new Node(p, new ApiClient(Integer.parseInt(m.group(1))));
                }
                assertThat(p.isAlive()).as("serve exited early: %s", Files.readString(log)).isTrue();
                TestGateway.sleep(50);
            }
            p.destroyForcibly();
            throw new AssertionError("serve did not start: " + Files.readString(log));
        }
    }
}
