package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-back watching against the Epic simulator (SMART backend token, Epic's own FHIR store): re-reads within
 * the token the writes use, and another user's edit of a written vitals reading in Epic is detected, recorded,
 * audited and delivered to the app's webhook; the record's other readings report nothing.
 */
class EpicReadBackTest {
    private static final String CLIENT = "chartbridge-readback";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    static EpicSimulator epic;
    static TestGateway gateway;
    static WebhookReceiver receiver;
    static ReadBackProbe probe;

    @BeforeAll
    static void start() {
        epic = EpicSimulator.start();
        receiver = new WebhookReceiver(0);
        GatewayConfig base = TestGateway.config(pg.url(), epic.baseUrl(), "epic-watch", TestGateway.fastDelivery(), 4);
        GatewayConfig.TenantConfig acme = base.tenants().get(0);
        GatewayConfig.ConnectionConfig connection = new GatewayConfig.ConnectionConfig(TestGateway.TARGET, "epic",
                epic.baseUrl(), epic.tokenUrl(), CLIENT, null, null, null, null, null, null, null,
                List.of("vitals"), 4, 3_000L);
        gateway = TestGateway.start(new GatewayConfig(base.database(), base.http(), base.delivery(), base.node(),
                base.security(), List.of(new GatewayConfig.TenantConfig(acme.id(), acme.name(), acme.apiKeys(),
                List.of(connection)))).with(new GatewayConfig.WebhookConfig(4, 50L, 200L, 2_000L),
                new GatewayConfig.ReadBackConfig(true, 200L, 6_000, 50L)));
        epic.registerClient(CLIENT, "http://127.0.0.1:" + gateway.gateway().port() + "/.well-known/jwks.json",
                "system/Patient.rs", "system/Encounter.rs", "system/Observation.crs");
        probe = new ReadBackProbe(gateway, receiver);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        receiver.close();
        epic.close();
    }

    @Test
    void another_users_edit_in_epic_is_detected_recorded_audited_and_webhooked() {
        ObjectNode vitals = Examples.load("vitals");
        vitals.putArray("targets").add(TestGateway.TARGET);
        vitals.putObject("patient").putArray("identifiers").add(Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.MRN_SYSTEM).put("value", EpicSeed.MRN_MARIA));
        vitals.putObject("encounter").set("identifier", Json.MAPPER.createObjectNode()
                .put("system", EpicSeed.CSN_SYSTEM).put("value", EpicSeed.CSN_MARIA_OPEN));
        String eventId = probe.delivered(vitals);
        JsonNode ops = gateway.status(eventId).body().get("operations");
        assertThat(ops.size()).isGreaterThanOrEqualTo(2);
        String edited = ops.get(0).get("id").asText();
        String other = ops.get(1).get("id").asText();
        String reference = "Observation/" + ops.get(0).get("remoteId").asText();
        probe.awaitReads(edited, 2);
        probe.awaitReads(other, 2);
        assertThat(epic.stats().journal().all().stream()
                .filter(r -> r.method().equals("GET") && r.pathAndQuery().endsWith("/" + reference)).count())
                .isGreaterThanOrEqualTo(3); // the verification read and at least two re-reads
        assertThat(probe.changes(edited) + probe.changes(other)).isZero();

        String version = epic.faults().concurrentEdit(reference);

        JsonNode change = probe.awaitChange(eventId, 1);
        assertThat(change.get("change").asText()).isEqualTo("amended");
        assertThat(change.get("version").asText()).isEqualTo(version);
        JsonNode after = gateway.status(eventId).body();
        assertThat(after.at("/operations/0/remoteVersion").asText()).isEqualTo(version);
        assertThat(ReadBackProbe.lastTimeline(after, "operation.remote-changed").get("operationId").asText())
                .isEqualTo(edited);
        JsonNode notice = probe.awaitNotice(eventId, "amended");
        assertThat(notice.get("operationId").asText()).isEqualTo(edited);
        assertThat(notice.get("remoteVersion").asText()).isEqualTo(version);

        probe.awaitReads(other, probe.reads(other) + 2);
        assertThat(probe.changes(other)).isZero();
        assertThat(after.at("/operations/1/remoteChanges").size()).isZero();
    }
}
