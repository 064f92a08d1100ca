package dev.chartbridge.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.AuditVerifier;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.simulators.fhir.FhirSimulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The end-to-end demo: starts an embedded PostgreSQL in a fresh directory, the generic FHIR simulator and a
 * gateway node, submits the flows users know (an approved AI-assisted note, a follow-up task from triage, a
 * medication change, a blood-pressure reading) over the real HTTP API, and follows each to its final state.
 */
public final class Demo {
    private static final String TENANT = "demo-clinic";
    private static final String TARGET = "ehr";
    /** The second clinician of the simulators' seed data (a pharmacist here), who approves medication changes. */
    private static final String APPROVER_NPI = "1245319599";

    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** One submitted sample and what became of it. */
    private record Submitted(String label, String eventId) {
    }

    public boolean run(Duration timeout) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("chartbridge-demo");
        String key = "cbk_demo_" + UUID.randomUUID();
        Path keyFile = work.resolve("api-key");
        Files.writeString(keyFile, key);
        Instant started = Instant.now();
        try (FhirSimulator ehr = FhirSimulator.start();
             Gateway gateway = Gateway.start(config(work, keyFile, ehr.baseUrl()))) {
            out.printf("EHR simulator  %s%nGateway        http://127.0.0.1:%d (tenant %s)%n%n", ehr.baseUrl(),
                    gateway.port(), TENANT);
            String api = "http://127.0.0.1:" + gateway.port();
            List<Submitted> submitted = new ArrayList<>();
            for (Sample sample : Sample.ALL) {
                JsonNode accepted = post(api, key, sample.event(TARGET));
                String id = accepted.get("id").asText();
                submitted.add(new Submitted(sample.label(), id));
                out.printf("-> %-28s accepted as event %s (%d write(s) planned)%n", sample.label(), id,
                        accepted.get("operations").size());
                if (accepted.at("/operations/0/state").asText().equals("AWAITING_APPROVAL")) {
                    approve(api, key, id);
                    out.printf("   %-28s held for a second clinician; approved by pharmacist NPI %s%n", "",
                            APPROVER_NPI);
                }
            }
            out.println();
            List<JsonNode> finals = follow(api, key, submitted, started.plus(timeout));
            boolean ok = report(submitted, finals);
            new AuditSealer(gateway.jdbc(), 1000).sealAll();
            AuditVerifier.Report audit = new AuditVerifier(gateway.jdbc()).verify();
            out.printf("%nAudit chain: %d entries, %s%n", audit.entriesChecked(),
                    audit.intact() ? "intact" : audit.breaks().size() + " breaks");
            out.printf("Demo %s in %.1f s%n", ok && audit.intact() ? "succeeded" : "FAILED",
                    Duration.between(started, Instant.now()).toMillis() / 1000.0);
            return ok && audit.intact();
        } finally {
            deleteQuietly(work);
        }
    }

    private List<JsonNode> follow(String api, String key, List<Submitted> submitted, Instant deadline)
            throws IOException, InterruptedException {
        List<JsonNode> finals = new ArrayList<>();
        for (Submitted s : submitted) {
            JsonNode status = get(api, key, s.eventId());
            while (status.get("status").asText().equals("in-progress") && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
                status = get(api, key, s.eventId());
            }
            out.printf("<- %-28s %s%n", s.label(), status.get("status").asText());
            finals.add(status);
        }
        return finals;
    }

    private boolean report(List<Submitted> submitted, List<JsonNode> finals) {
        out.printf("%nTarget %s (%s)%n", TARGET, "generic FHIR R4 simulator");
        out.printf("  %-28s %-14s %-26s %s%n", "event", "state", "EHR resource", "attempts");
        boolean ok = true;
        for (int i = 0; i < submitted.size(); i++) {
            for (JsonNode op : finals.get(i).get("operations")) {
                String state = op.get("state").asText();
                String remote = op.get("remoteId").isNull() ? "-"
                        : op.get("resourceType").asText() + "/" + op.get("remoteId").asText();
                out.printf("  %-28s %-14s %-26s %d%n", submitted.get(i).label(), state, remote,
                        op.get("attempts").size());
                ok &= state.equals("VERIFIED");
            }
        }
        return ok;
    }

    private JsonNode post(String api, String key, ObjectNode event) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(event))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("the gateway refused a demo event: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    private void approve(String api, String key, String eventId) throws IOException, InterruptedException {
        String body = "{\"approverNpi\":\"" + APPROVER_NPI + "\",\"role\":\"pharmacist\","
                + "\"statement\":\"Dose and interactions reviewed; approved.\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/events/" + eventId
                        + "/approvals")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the approval was refused: " + r.statusCode() + " " + r.body());
        }
    }

    private JsonNode get(String api, String key, String eventId) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/events/" + eventId))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }

    private static GatewayConfig config(Path work, Path keyFile, String ehrUrl) {
        return new GatewayConfig(
                new GatewayConfig.DatabaseConfig(null, null, null, work.resolve("postgres").toString(), null, 16),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                new GatewayConfig.DeliveryConfig(null, 200L, 2000L, null, 200L, true), "demo",
                new GatewayConfig.SecurityConfig(null, work.resolve("master.key").toString()),
                List.of(new GatewayConfig.TenantConfig(TENANT, "Demo Clinic",
                        List.of(new GatewayConfig.ApiKeyConfig("demo", null, keyFile.toString())),
                        List.of(GatewayConfig.ConnectionConfig.fhir(TARGET, ehrUrl, 8, 10_000L)))));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    /** A sample event from the published examples, adjusted for the demo. */
    private record Sample(String label, String example, boolean bloodPressureOnly) {
        static final List<Sample> ALL = List.of(
                new Sample("approved AI-assisted note", "note", false),
                new Sample("follow-up task from triage", "follow-up-task", false),
                new Sample("medication change", "medication-change", false),
                new Sample("blood-pressure reading", "vitals", true));

        ObjectNode event(String target) throws IOException {
            ObjectNode e;
            try (InputStream in = Demo.class.getResourceAsStream("/examples/v1/" + example + ".json")) {
                e = (ObjectNode) Json.MAPPER.readTree(in);
            }
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60).toString();
            e.put("occurredAt", now);
            e.putArray("targets").add(target);
            if (e.at("/payload/signedAt").isTextual()) {
                ((ObjectNode) e.get("payload")).put("signedAt", now);
                ((ObjectNode) e.at("/provenance/attestation")).put("at", now);
            }
            if (bloodPressureOnly) {
                var measurements = (com.fasterxml.jackson.databind.node.ArrayNode) e.at("/payload/measurements");
                measurements.remove(1);
            }
            return e;
        }
    }
}
