package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.adapter.ProvenanceWriter;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.Simulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one contract every EHR adapter meets, run against each vendor's simulator through the whole pipeline
 * (HTTP intake, database, delivery engine, adapter, simulator): every event type the vendor's profile supports
 * ends verified and is written exactly once as seen from the EHR's side; every type it does not support is
 * refused at intake with 422 naming the vendor and the type. A subclass per vendor supplies the simulator, the
 * connection, the patient context of its seed data, and a count of what the EHR holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AdapterContract {
    protected static final String KEY = "cbk_contract_key_0123456789abcdef";
    /** The key of the fault runs' own tenant (see {@link #faultConnection()}). */
    private static final String FAULT_KEY = "cbk_contract_faults_0123456789abcd";
    protected static final String TARGET = "ehr";
    protected static final String AMENDED = "amended";
    protected static final String STATUS_CHANGED = "status-changed";
    protected static final String DELETED = "deleted";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private Gateway gateway;
    private ReadBackWatch watch;
    protected ApiClient api;
    /** The fault runs' tenant's client ({@link #faultConnection()}); the contract's own when there is none. */
    protected ApiClient faultApi;

    private Simulator simulator;

    /** Starts the vendor's simulator (and registers the gateway's client with it where needed); returns it. */
    protected abstract Simulator startSimulator(Path workDir) throws Exception;

    /** Stops what {@link #startSimulator} started. */
    protected void stopSimulator() {
        simulator.close();
    }

    /** The connection to the simulator, as a tenant would configure it. */
    protected abstract GatewayConfig.ConnectionConfig connection();

    /** The event types this vendor takes, per its profile. */
    protected abstract List<String> supportedTypes();

    /** The patient's identifier in this vendor's seed data (Maria Garcia, MRN 1001). */
    protected abstract ObjectNode patientIdentifier();

    /** Her open encounter in this vendor's seed data, or null when the vendor needs none. */
    protected abstract ObjectNode encounterIdentifier();

    /** How many records of this event type the EHR holds for the patient (the exactly-once check). */
    protected abstract int recordsInEhr(String eventType);

    /** The simulator {@link #startSimulator} started. */
    protected Simulator simulator() {
        return simulator;
    }

    /**
     * The connection of a tenant of its own for fault runs that lose many answers, to the same EHR (e.g. the
     * contract's connection with a shorter read timeout, since each lost answer costs the gateway the read
     * timeout), or null (the default) for fault runs through the contract's own tenant. Its client is
     * {@link #faultApi}.
     */
    protected GatewayConfig.ConnectionConfig faultConnection() {
        return null;
    }

    /** The connection of the read-back check's own tenant: by default the contract's. */
    protected GatewayConfig.ConnectionConfig readBackConnection() {
        return connection();
    }

    /** The simulator behind {@link #readBackConnection()}. */
    protected Simulator readBackSimulator() {
        return simulator();
    }

    /**
     * A status a clinician may give the written condition in this EHR, in the EHR's own words (e.g. FHIR's
     * {@code resolved}); the read-back check sets it through the simulator's chart controls.
     */
    protected abstract String statusSetInEhr();

    /**
     * The changes made in the EHR that the read-back check makes and expects read-back to report: by default an
     * amendment, a status change and a deletion. A vendor that never deletes a record, or whose read budget makes
     * a third re-read slow, names fewer (and says why).
     */
    protected List<String> readBackChanges() {
        return List.of(AMENDED, STATUS_CHANGED, DELETED);
    }

    /**
     * Whether a request the simulator received writes to the chart, as opposed to reading it or fetching a
     * token. By default anything but a GET, apart from the token endpoint; an API whose reads are POSTs too
     * (XML-RPC, Unity) tells them apart by action.
     */
    protected boolean writesToChart(RecordedRequest request) {
        return !request.method().equals("GET") && !request.pathAndQuery().contains("/token");
    }

    /** Makes held writes readable (Epic's holding tank); a no-op for most vendors. */
    protected void releaseHeldWrites() {
    }

    /** Adjusts an example to what this vendor needs, within the canonical format (e.g. a provisional condition). */
    protected void adapt(String eventType, ObjectNode event) {
    }

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createTempDirectory("contract");
        simulator = startSimulator(work);
        Path keyFile = work.resolve("key");
        Files.writeString(keyFile, KEY);
        // A second tenant on the same connection, whose writes only the read-back check makes and watches.
        Path watchKeyFile = work.resolve("watch-key");
        Files.writeString(watchKeyFile, ReadBackWatch.KEY);
        List<GatewayConfig.TenantConfig> tenants = new ArrayList<>(List.of(
                new GatewayConfig.TenantConfig("acme", "Acme",
                        List.of(new GatewayConfig.ApiKeyConfig("tests", null, keyFile.toString(), true)),
                        List.of(connection())),
                new GatewayConfig.TenantConfig(ReadBackWatch.TENANT, "Read-back check",
                        List.of(new GatewayConfig.ApiKeyConfig("watch", null, watchKeyFile.toString(), true)),
                        List.of(readBackConnection()))));
        GatewayConfig.ConnectionConfig faults = faultConnection();
        if (faults != null) {
            Path faultKeyFile = work.resolve("fault-key");
            Files.writeString(faultKeyFile, FAULT_KEY);
            tenants.add(new GatewayConfig.TenantConfig("faults", "Fault runs",
                    List.of(new GatewayConfig.ApiKeyConfig("faults", null, faultKeyFile.toString(), true)),
                    List.of(faults)));
        }
        GatewayConfig config = new GatewayConfig(
                new GatewayConfig.DatabaseConfig(pg.url(), "postgres", null, null, null, 16),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                new GatewayConfig.DeliveryConfig(6, 50L, 500L, 3_000L, 100L, true), "contract",
                new GatewayConfig.SecurityConfig(null, work.resolve("master.key").toString()), tenants)
                // This node re-reads nothing: read-back is the watch node's, started by the read-back check.
                .with(null, new GatewayConfig.ReadBackConfig(false, null, null, null));
        gateway = Gateway.start(config);
        api = new ApiClient(gateway.port(), KEY);
        faultApi = faults != null ? new ApiClient(gateway.port(), FAULT_KEY) : api;
        watch = new ReadBackWatch(config, gateway, readBackConnection(), pg);
        afterGatewayStarted(gateway);
    }

    /** Called once the gateway listens (its JWKS URL is known), e.g. to register it with a SMART simulator. */
    protected void afterGatewayStarted(Gateway gateway) throws Exception {
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (simulator != null) {
            stopSimulator();
        }
    }

    protected ObjectNode event(String type) {
        ObjectNode e = Examples.load(type);
        e.putArray("targets").add(TARGET);
        e.putObject("patient").putArray("identifiers").add(patientIdentifier());
        ObjectNode encounter = encounterIdentifier();
        if (encounter == null) {
            e.remove("encounter");
        } else {
            e.putObject("encounter").set("identifier", encounter);
        }
        adapt(type, e);
        return e;
    }

    @Test
    void every_supported_event_type_is_written_once_and_verified() {
        for (String type : supportedTypes()) {
            int before = recordsInEhr(type);
            ApiClient.Answer accepted = api.submit(event(type), "contract-" + type);
            assertThat(accepted.status()).as("%s: %s", type, accepted.body()).isEqualTo(202);
            String id = accepted.body().get("id").asText();
            if (type.equals("medication-change")) {
                assertThat(api.approve(id).status()).as("approval").isEqualTo(200);
            }
            JsonNode status = settled(api, id);
            assertThat(status.get("status").asText()).as("%s: %s", type, status).isEqualTo("delivered");
            for (JsonNode op : status.get("operations")) {
                assertThat(op.get("state").asText()).as(type).isEqualTo("VERIFIED");
            }
            // An AI-assisted event's Provenance, where the vendor keeps one, is no record of the event's type.
            long records = StreamSupport.stream(status.get("operations").spliterator(), false)
                    .filter(op -> !op.get("resourceType").asText().equals(ProvenanceWriter.RESOURCE_TYPE)).count();
            assertThat(recordsInEhr(type) - before).as("%s records written", type).isEqualTo(records);
        }
    }

    /** The live connection check (issue #14) passes against the vendor's simulator: nothing warns, nothing fails. */
    @Test
    void the_live_connection_check_passes() {
        ApiClient.Answer check = api.getWithKey("/v1/connections/" + TARGET + "/check");
        assertThat(check.status()).as(check.text()).isEqualTo(200);
        assertThat(check.body().get("vendor").asText()).isEqualTo(connection().vendor());
        assertThat(check.body().get("verdict").asText()).as(check.text()).isEqualTo("PASS");
    }

    @Test
    void every_unsupported_event_type_is_refused_at_intake_naming_vendor_and_type() {
        List<String> unsupported = Examples.TYPES.stream().filter(t -> !supportedTypes().contains(t)).toList();
        Assumptions.assumeFalse(unsupported.isEmpty(), "this vendor takes every event type");
        for (String type : unsupported) {
            ApiClient.Answer refused = api.submit(event(type), "refused-" + type);
            assertThat(refused.status()).as(type).isEqualTo(422);
            String detail = refused.body().at("/errors/0/detail").asText();
            assertThat(detail).as(type).contains(connection().vendor()).contains(type);
            assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/targets/0");
        }
    }

    /**
     * Shadow mode goes through the adapter's own preparation (lookups and mapping) and stops before the write:
     * the write ends SHADOWED with the request it would have sent, and the EHR holds nothing new.
     */
    @Test
    void a_shadowed_write_is_rendered_and_nothing_reaches_the_ehr() {
        String type = supportedTypes().stream().filter(t -> !t.equals("medication-change")).findFirst().orElseThrow();
        ApiClient.Answer set = api.putReleaseControl("{\"target\":\"" + TARGET + "\",\"eventType\":\"" + type
                + "\",\"mode\":\"shadow\"}");
        assertThat(set.status()).as("%s", set.body()).isEqualTo(200);
        try {
            int before = recordsInEhr(type);
            ObjectNode shadowed = event(type);
            shadowed.put("occurredAt", Instant.parse(shadowed.get("occurredAt").asText()).minusSeconds(600).toString());
            ApiClient.Answer accepted = api.submit(shadowed, "shadow-" + type);
            assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
            JsonNode status = api.await(accepted.body().get("id").asText(),
                    s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
            assertThat(status.get("status").asText()).as("%s", status).isEqualTo("shadowed");
            for (JsonNode op : status.get("operations")) {
                assertThat(op.get("state").asText()).isEqualTo("SHADOWED");
                assertThat(op.get("shadow").asBoolean()).isTrue();
                assertThat(op.at("/rendered/method").asText()).isEqualTo("POST");
                assertThat(op.at("/rendered/body").asText()).isNotBlank();
                assertThat(op.get("sends").asInt()).isZero();
            }
            assertThat(recordsInEhr(type)).as("nothing written").isEqualTo(before);
        } finally {
            api.putReleaseControl("{\"target\":\"" + TARGET + "\",\"eventType\":\"" + type
                    + "\",\"mode\":\"live\"}");
        }
    }

    /**
     * Read-back watching against this EHR. Conditions of a tenant of their own are written and verified, then
     * changed in the EHR as a clinician would change them (amended, status changed, deleted: as far as the vendor
     * goes) before anything re-read them; a node watching that tenant alone then finds each change on its first
     * re-read, against the baseline its verification read took (a vendor without versions shows nothing else).
     * Each change is (a) in the ledger and on the event with the right kind, once, and (b) audited by the
     * watching node; (c) what reached the EHR meanwhile were reads only, and (d) no more re-reads than the
     * target's read budget allows, none refused by the EHR's rate limit.
     */
    @Test
    void changes_made_in_the_ehr_are_read_back_recorded_and_audited_by_reads_only_within_the_budget() {
        ApiClient watched = watch.client();
        List<Written> written = new ArrayList<>();
        for (String change : readBackChanges()) {
            ObjectNode condition = event("condition");
            condition.put("occurredAt", Instant.now().minusSeconds(120L + 60L * written.size())
                    .truncatedTo(ChronoUnit.SECONDS).toString());
            ApiClient.Answer accepted = watched.submit(condition, "readback-" + change);
            assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
            JsonNode status = settled(watched, accepted.body().get("id").asText());
            assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
            written.add(new Written(change, status.get("id").asText(), status.at("/operations/0")));
        }
        Simulator sim = readBackSimulator();
        for (Written w : written) {
            switch (w.change()) {
                case AMENDED -> sim.faults().concurrentEdit(w.reference());
                case STATUS_CHANGED -> sim.chart().setStatus(w.reference(), statusSetInEhr());
                default -> sim.chart().delete(w.reference());
            }
        }
        sim.stats().journal().clear();
        long stored = sim.stats().creates() + sim.stats().updates();
        long refused = sim.stats().tooManyRequestsIssued();

        try (ReadBackWatch.Node node = watch.start()) {
            for (Written w : written) {
                JsonNode event = watched.await(w.eventId(), s -> s.at("/operations/0/remoteChanges").size() > 0,
                        Duration.ofSeconds(60));
                JsonNode found = event.at("/operations/0/remoteChanges/0");
                assertThat(found.get("change").asText()).as("%s: %s", w.change(), found).isEqualTo(w.change());
                if (w.change().equals(STATUS_CHANGED)) {
                    assertThat(found.get("status").asText()).contains(statusSetInEhr());
                    assertThat(found.path("previousStatus").asText(null)).isNotEqualTo(found.get("status").asText());
                }
                assertThat(watch.changes(w.operationId())).as(w.change()).containsExactly(w.change());
                List<JsonNode> audited = new ArrayList<>();
                event.get("timeline").forEach(e -> {
                    if (e.get("action").asText().equals("operation.remote-changed")) {
                        audited.add(e);
                    }
                });
                assertThat(audited).as("audit of %s", w.change()).hasSize(1);
                assertThat(audited.get(0).get("operationId").asText()).isEqualTo(w.operationId());
                assertThat(audited.get(0).get("actor").asText()).isEqualTo(node.actor());
                assertThat(audited.get(0).get("detail").asText()).contains("\"change\":\"" + w.change() + "\"");
            }

            List<RecordedRequest> requests = sim.stats().journal().all();
            assertThat(requests).as("re-reads reached the EHR").isNotEmpty();
            assertThat(requests).as("read-back only reads").noneMatch(this::writesToChart);
            assertThat(sim.stats().creates() + sim.stats().updates()).as("nothing stored").isEqualTo(stored);
            long reads = watch.reads();
            assertThat(reads).isGreaterThanOrEqualTo(written.size());
            assertThat((double) reads).as("re-reads within %s a minute", watch.readsPerMinute())
                    .isLessThanOrEqualTo(1 + watch.readsPerMinute() * node.running().toMillis() / 60_000.0);
            assertThat(sim.stats().tooManyRequestsIssued()).as("refused for rate").isEqualTo(refused);
        }
    }

    /** A write of the read-back check and the change the EHR makes to it. */
    private record Written(String change, String eventId, JsonNode operation) {
        String operationId() {
            return operation.get("id").asText();
        }

        String reference() {
            return operation.get("resourceType").asText() + "/" + operation.get("remoteId").asText();
        }
    }

    /** Waits until the event is no longer in progress, releasing held writes meanwhile. */
    private JsonNode settled(ApiClient client, String eventId) {
        return client.await(eventId, s -> {
            String st = s.get("status").asText();
            if (st.equals("in-progress")) {
                releaseHeldWrites();
            }
            return !st.equals("in-progress");
        }, Duration.ofSeconds(30));
    }

    /**
     * A note whose answer is lost after the EHR stored it is reconciled by content and lands exactly once: the
     * operation shows unknown, found, verified, with one send. For vendors without identifiers on the record.
     */
    protected void aLostNoteIsReconciledAndLandsOnce(Faults faults, String keyPrefix) throws Exception {
        ObjectNode warmUp = event("note");
        warmUp.with("payload").put("text", "Warm-up: session, patient and visit are known before the fault.");
        String warm = api.submit(warmUp, keyPrefix + "-warm-up").body().get("id").asText();
        api.await(warm, s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
        int before = recordsInEhr("note");
        ObjectNode lost = event("note");
        lost.with("payload").put("text", "Plan: recheck blood pressure in two weeks (answer lost on the way back).");
        faults.commitThenTimeout(1.0, 1_000);

        ApiClient.Answer accepted = api.submit(lost, keyPrefix + "-lost-answer");
        Instant deadline = Instant.now().plusSeconds(20);
        while (recordsInEhr("note") == before && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        faults.clear();

        JsonNode status = api.await(accepted.body().get("id").asText(),
                s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
        JsonNode op = status.get("operations").get(0);
        assertThat(op.get("state").asText()).isEqualTo("VERIFIED");
        assertThat(op.get("sends").asInt()).as("never resent").isEqualTo(1);
        assertThat(op.get("attempts").findValuesAsText("outcome")).contains("unknown", "found", "verified");
        assertThat(recordsInEhr("note") - before).isEqualTo(1);
    }

    /**
     * An event for this patient naming the visit of another patient (the confusable one of the seed data) is never
     * written: each write ends REJECTED before anything is sent, the refusal names the encounter, it is audited, and
     * the EHR holds nothing new.
     */
    protected void anEventNamingAnotherPatientsEncounterIsNeverWritten(ObjectNode otherPatientsEncounter) {
        String type = supportedTypes().get(0);
        int before = recordsInEhr(type);
        ObjectNode event = event(type);
        event.putObject("encounter").set("identifier", otherPatientsEncounter);
        simulator().stats().journal().clear();

        ApiClient.Answer accepted = api.submit(event, "wrong-encounter-" + type);
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        JsonNode status = settled(api, accepted.body().get("id").asText());

        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("failed");
        for (JsonNode op : status.get("operations")) {
            assertThat(op.get("state").asText()).isEqualTo("REJECTED");
        }
        List<JsonNode> refusals = new ArrayList<>();
        status.get("timeline").forEach(e -> {
            if (e.get("action").asText().equals("operation.rejected")) {
                refusals.add(e);
            }
        });
        assertThat(refusals).as("audited").hasSize(status.get("operations").size())
                .allSatisfy(e -> assertThat(e.get("detail").asText()).contains("encounter"));
        assertThat(simulator().stats().journal().all()).as("nothing written").noneMatch(this::writesToChart);
        assertThat(recordsInEhr(type)).isEqualTo(before);
    }

    protected static void writeFile(Path file, String content) throws IOException {
        Files.writeString(file, content);
    }
}
