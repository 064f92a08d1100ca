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
    protected static final String TARGET = "ehr";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private Gateway gateway;
    protected ApiClient api;

    /** Starts the vendor's simulator (and registers the gateway's client with it where needed). */
    protected abstract void startSimulator(Path workDir) throws Exception;

    protected abstract void stopSimulator();

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

    /** Makes held writes readable (Epic's holding tank); a no-op for most vendors. */
    protected void releaseHeldWrites() {
    }

    /** Adjusts an example to what this vendor needs, within the canonical format (e.g. a provisional condition). */
    protected void adapt(String eventType, ObjectNode event) {
    }

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createTempDirectory("contract");
        startSimulator(work);
        Path keyFile = work.resolve("key");
        Files.writeString(keyFile, KEY);
        gateway = Gateway.start(new GatewayConfig(
                new GatewayConfig.DatabaseConfig(pg.url(), "postgres", null, null, null, 16),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                new GatewayConfig.DeliveryConfig(6, 50L, 500L, 3_000L, 100L, true), "contract",
                new GatewayConfig.SecurityConfig(null, work.resolve("master.key").toString()),
                List.of(new GatewayConfig.TenantConfig("acme", "Acme",
                        List.of(new GatewayConfig.ApiKeyConfig("tests", null, keyFile.toString(), true)),
                        List.of(connection())))));
        api = new ApiClient(gateway.port(), KEY);
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
        stopSimulator();
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
            JsonNode status = api.await(id, s -> {
                String st = s.get("status").asText();
                if (st.equals("in-progress")) {
                    releaseHeldWrites();
                }
                return !st.equals("in-progress");
            }, Duration.ofSeconds(30));
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

    protected static void writeFile(Path file, String content) throws IOException {
        Files.writeString(file, content);
    }
}
