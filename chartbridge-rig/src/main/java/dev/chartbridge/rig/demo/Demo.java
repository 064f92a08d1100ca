package dev.chartbridge.rig.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.client.ApiClient;
import dev.chartbridge.client.ApiException;
import dev.chartbridge.client.api.EventsApi;
import dev.chartbridge.client.model.Accepted;
import dev.chartbridge.client.model.ApproveEventRequest;
import dev.chartbridge.client.model.EventView;
import dev.chartbridge.client.model.EventViewOperationsInner;
import dev.chartbridge.client.model.Problem;
import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.AuditVerifier;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
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
 * The end-to-end demo: an embedded PostgreSQL in a fresh directory, the six EHR simulators (generic FHIR R4,
 * Epic, athenahealth, eClinicalWorks, AdvancedMD, Veradigm) and a gateway node. It submits the flows users know
 * (an approved AI-assisted note, a follow-up task from triage, a medication change approved by a second
 * clinician, a blood-pressure reading) to every EHR over the real HTTP API, follows each write to its final
 * state, and shows per EHR what was written and what was refused as unsupported. It succeeds only when every
 * accepted write is verified in its EHR and every refusal is one the vendor's profile predicts. It talks to the
 * gateway only through the client generated from the OpenAPI document ({@code chartbridge-client}).
 */
public final class Demo {
    private static final String TENANT = "demo-clinic";
    /** The second clinician of the simulators' seed data (a pharmacist here), who approves medication changes. */
    private static final String APPROVER_NPI = "1245319599";

    private static final com.fasterxml.jackson.databind.ObjectMapper CLIENT_JSON = ApiClient.createDefaultObjectMapper();

    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** One sample submitted to one EHR (the event as sent), and what became of it. */
    private record Submitted(DemoEhr ehr, Sample sample, ObjectNode event, String eventId, String refusal) {
    }

    public boolean run(Duration timeout) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("chartbridge-demo");
        String key = "cbk_demo_" + UUID.randomUUID();
        Path keyFile = work.resolve("api-key");
        Files.writeString(keyFile, key);
        Instant started = Instant.now();
        List<DemoEhr> ehrs = DemoEhrs.start(work);
        try (Gateway gateway = Gateway.start(config(work, keyFile, ehrs))) {
            ehrs.forEach(e -> e.onGatewayPort().accept(gateway.port()));
            EventsApi api = events("http://127.0.0.1:" + gateway.port(), key);
            out.printf("Gateway http://127.0.0.1:%d (tenant %s); EHR simulators:%n", gateway.port(), TENANT);
            ehrs.forEach(e -> out.printf("  %-16s %s%n", e.label(), e.simulator().baseUrl()));
            out.println();
            List<Submitted> submitted = new ArrayList<>();
            for (DemoEhr ehr : ehrs) {
                for (Sample sample : Sample.ALL) {
                    submitted.add(submit(api, ehr, sample));
                }
            }
            out.println();
            boolean ok = report(api, submitted, started.plus(timeout));
            ok &= completeTasks(api, submitted, started.plus(timeout));
            new AuditSealer(gateway.jdbc(), 1000, gateway.auditKeys()).sealAll();
            AuditVerifier.Report audit = new AuditVerifier(gateway.jdbc(), gateway.auditKeys()).verify();
            out.printf("%nAudit chain: %d entries, %s%n", audit.entriesChecked(),
                    audit.intact() ? "intact" : audit.breaks().size() + " breaks");
            out.printf("Demo %s in %.1f s%n", ok && audit.intact() ? "succeeded" : "FAILED",
                    Duration.between(started, Instant.now()).toMillis() / 1000.0);
            return ok && audit.intact();
        } finally {
            ehrs.forEach(e -> e.simulator().close());
            deleteQuietly(work);
        }
    }

    /** The generated client of the gateway's events API, with the tenant's key on every request. */
    private static EventsApi events(String baseUri, String key) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        return new EventsApi(client);
    }

    private Submitted submit(EventsApi api, DemoEhr ehr, Sample sample) throws IOException {
        ObjectNode event = sample.event(ehr);
        Accepted accepted;
        try {
            accepted = api.submitEvent(event, UUID.randomUUID().toString(), null, null, null, null);
        } catch (ApiException e) {
            if (e.getCode() != 422) {
                throw new IllegalStateException("the gateway refused a demo event: " + e.getCode() + " "
                        + e.getResponseBody(), e);
            }
            String reason = problem(e).getErrors().get(0).getDetail();
            out.printf("x  %-16s %-28s refused at intake: %s%n", ehr.label(), sample.label(), reason);
            return new Submitted(ehr, sample, event, null, reason);
        }
        String id = accepted.getId().toString();
        out.printf("-> %-16s %-28s accepted, event %s%n", ehr.label(), sample.label(), id);
        if (accepted.getOperations().get(0).getState().equals("AWAITING_APPROVAL")) {
            ApproveEventRequest approval = new ApproveEventRequest().approverNpi(APPROVER_NPI)
                    .role(ApproveEventRequest.RoleEnum.PHARMACIST)
                    .statement("Dose and interactions reviewed; approved.");
            try {
                api.approveEvent(accepted.getId(), approval, null);
            } catch (ApiException e) {
                throw new IllegalStateException("the approval was refused: " + e.getCode() + " "
                        + e.getResponseBody(), e);
            }
            out.printf("   %-16s %-28s held for a second clinician; approved by pharmacist NPI %s%n", "", "",
                    APPROVER_NPI);
        }
        return new Submitted(ehr, sample, event, id, null);
    }

    /** The problem+json body of a refusal, read as the generated client reads its models. */
    private static Problem problem(ApiException e) throws IOException {
        return CLIENT_JSON.readValue(e.getResponseBody(), Problem.class);
    }

    /**
     * Each follow-up task written is then marked completed by an amendment ({@code amends}): an update of the
     * record, with {@code If-Match} where the EHR versions. Succeeds when every amendment is verified where the
     * vendor's profile takes task updates, and refused at intake where it does not.
     */
    private boolean completeTasks(EventsApi api, List<Submitted> submitted, Instant deadline)
            throws IOException, InterruptedException {
        out.printf("%nAmendments: each follow-up task written is marked completed (\"amends\": the task's event)%n");
        boolean ok = true;
        for (Submitted s : submitted) {
            if (!s.sample().example().equals("follow-up-task") || s.eventId() == null) {
                continue;
            }
            ObjectNode done = s.event().deepCopy();
            done.put("amends", s.eventId());
            done.put("occurredAt", Instant.parse(s.event().get("occurredAt").asText()).plusSeconds(30).toString());
            ((ObjectNode) done.get("payload")).put("status", "completed");
            String refusal = VendorProfiles.of(s.ehr().connection().vendor()).updateRefusal(s.sample().example());
            Accepted accepted;
            try {
                accepted = api.submitEvent(done, UUID.randomUUID().toString(), null, null, null, null);
            } catch (ApiException e) {
                if (e.getCode() != 422) {
                    throw new IllegalStateException("the gateway refused a demo amendment: " + e.getCode() + " "
                            + e.getResponseBody(), e);
                }
                out.printf("x  %-16s %-28s refused at intake: %s%n", s.ehr().label(), "task completed",
                        problem(e).getErrors().get(0).getDetail());
                ok &= refusal != null;
                continue;
            }
            EventView status = follow(api, accepted.getId().toString(), deadline);
            for (EventViewOperationsInner op : status.getOperations()) {
                String state = op.getState().getValue();
                out.printf("-> %-16s %-28s %-14s %s/%s now at version %s%n", s.ehr().label(), "task completed",
                        state, op.getResourceType(), op.getRemoteId(), op.getRemoteVersion());
                ok &= state.equals("VERIFIED") && refusal == null;
            }
        }
        return ok;
    }

    private boolean report(EventsApi api, List<Submitted> submitted, Instant deadline)
            throws InterruptedException {
        boolean ok = true;
        DemoEhr current = null;
        for (Submitted s : submitted) {
            if (s.ehr() != current) {
                current = s.ehr();
                out.printf("%n%s (target %s, vendor %s)%n  %-28s %-14s %-30s %s%n", current.label(), current.target(),
                        current.connection().vendor(), "event", "state", "EHR record", "calls");
            }
            boolean supported = VendorProfiles.of(current.connection().vendor())
                    .support(s.sample().example()).supported();
            if (s.eventId() == null) {
                out.printf("  %-28s %-14s %s%n", s.sample().label(), "REFUSED", "unsupported by this EHR");
                ok &= !supported;
                continue;
            }
            EventView status = follow(api, s.eventId(), deadline);
            for (EventViewOperationsInner op : status.getOperations()) {
                String state = op.getState().getValue();
                String remote = op.getRemoteId() == null ? "-" : op.getResourceType() + "/" + op.getRemoteId();
                out.printf("  %-28s %-14s %-30s %d%n", s.sample().label(), state, remote, op.getAttempts().size());
                ok &= state.equals("VERIFIED") && supported;
            }
        }
        return ok;
    }

    private EventView follow(EventsApi api, String eventId, Instant deadline) throws InterruptedException {
        EventView status = get(api, eventId);
        while (status.getStatus() == EventView.StatusEnum.IN_PROGRESS && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            status = get(api, eventId);
        }
        return status;
    }

    private static EventView get(EventsApi api, String eventId) {
        try {
            return api.getEvent(UUID.fromString(eventId));
        } catch (ApiException e) {
            throw new IllegalStateException("the gateway did not show demo event " + eventId + ": " + e.getCode()
                    + " " + e.getResponseBody(), e);
        }
    }

    private static GatewayConfig config(Path work, Path keyFile, List<DemoEhr> ehrs) {
        return new GatewayConfig(
                new GatewayConfig.DatabaseConfig(null, null, null, work.resolve("postgres").toString(), null, 16),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                new GatewayConfig.DeliveryConfig(null, 200L, 2000L, null, 200L, true), "demo",
                new GatewayConfig.SecurityConfig(null, work.resolve("master.key").toString()),
                List.of(new GatewayConfig.TenantConfig(TENANT, "Demo Clinic",
                        List.of(new GatewayConfig.ApiKeyConfig("demo", null, keyFile.toString(), null,
                                List.of("app", "reviewer"))),
                        ehrs.stream().map(DemoEhr::connection).toList())));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    /** A sample event from the published examples, adjusted for the demo and aimed at one EHR. */
    private record Sample(String label, String example, boolean bloodPressureOnly) {
        static final List<Sample> ALL = List.of(
                new Sample("approved AI-assisted note", "note", false),
                new Sample("follow-up task from triage", "follow-up-task", false),
                new Sample("medication change", "medication-change", false),
                new Sample("blood-pressure reading", "vitals", true));

        ObjectNode event(DemoEhr ehr) throws IOException {
            ObjectNode e;
            try (InputStream in = Demo.class.getResourceAsStream("/examples/v1/" + example + ".json")) {
                e = (ObjectNode) Json.MAPPER.readTree(in);
            }
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60).toString();
            e.put("occurredAt", now);
            e.putArray("targets").add(ehr.target());
            e.putObject("patient").putArray("identifiers").add(ehr.patient());
            e.putObject("encounter").set("identifier", ehr.encounter());
            if (e.at("/payload/signedAt").isTextual()) {
                ((ObjectNode) e.get("payload")).put("signedAt", now);
                ((ObjectNode) e.at("/provenance/attestation")).put("at", now);
            }
            if (bloodPressureOnly) {
                ((ArrayNode) e.at("/payload/measurements")).remove(1);
            }
            ehr.adapt().accept(example, e);
            return e;
        }
    }
}
