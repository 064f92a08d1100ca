package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-back watching against the generic FHIR simulator: a verified record re-read on schedule reports nothing
 * while it is unchanged; a clinician's amendment, status change and deletion in the EHR are each detected,
 * recorded (the operation's remote version moves on), audited, shown on the event and delivered to the app's
 * webhook, signed.
 */
class ReadBackTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;
    static WebhookReceiver receiver;
    static ReadBackProbe probe;

    @BeforeAll
    static void start() {
        receiver = new WebhookReceiver(0);
        gateway = TestGateway.start(TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "watch-node",
                TestGateway.fastDelivery(), 8).with(WebhookReceiver.fastLoopback(),
                new GatewayConfig.ReadBackConfig(true, 200L, 6_000, 50L)));
        probe = new ReadBackProbe(gateway, receiver);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        receiver.close();
    }

    @Test
    void edits_in_the_ehr_are_detected_recorded_audited_and_webhooked_while_an_unchanged_record_reports_nothing() {
        String untouched = probe.delivered(Events.bloodPressure(8001));
        String untouchedOp = gateway.status(untouched).body().at("/operations/0/id").asText();
        String eventId = probe.delivered(Events.bloodPressure(8002));
        JsonNode op = gateway.status(eventId).body().at("/operations/0");
        String operationId = op.get("id").asText();
        String reference = "Observation/" + op.get("remoteId").asText();
        assertThat(op.get("remoteVersion").asText()).isEqualTo("1");

        // Re-read on schedule, through the EHR's API, and nothing to report while nothing changed.
        int readsBefore = ehr.simulator().stats().journal().matching("GET", "/fhir/" + reference).size();
        probe.awaitReads(operationId, 3);
        assertThat(ehr.simulator().stats().journal().matching("GET", "/fhir/" + reference).size())
                .isGreaterThanOrEqualTo(readsBefore + 3);
        assertThat(probe.changes(operationId)).isZero();
        assertThat(probe.remoteNotices(eventId)).isEmpty();

        // Another user amends the record in the EHR: a new version with other content.
        ehr.simulator().faults().concurrentEdit(reference);
        JsonNode amended = probe.awaitChange(eventId, 1);
        assertThat(amended.get("change").asText()).isEqualTo("amended");
        assertThat(amended.get("previousVersion").asText()).isEqualTo("1");
        assertThat(amended.get("version").asText()).isEqualTo("2");
        JsonNode after = gateway.status(eventId).body();
        assertThat(after.at("/operations/0/remoteVersion").asText()).isEqualTo("2");
        assertThat(after.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        JsonNode audited = ReadBackProbe.lastTimeline(after, "operation.remote-changed");
        assertThat(audited.get("actor").asText()).isEqualTo("node:watch-node");
        assertThat(audited.get("operationId").asText()).isEqualTo(operationId);
        assertThat(audited.get("detail").asText()).contains("\"change\":\"amended\"", "\"remoteVersion\":\"2\"");
        JsonNode notice = probe.awaitNotice(eventId, "amended");
        assertThat(notice.get("remoteVersion").asText()).isEqualTo("2");
        assertThat(notice.get("operationId").asText()).isEqualTo(operationId);
        assertThat(notice.get("eventStatus").asText()).isEqualTo("delivered");

        // The amended record is the new baseline: read on, it reports nothing more.
        probe.awaitReads(operationId, probe.reads(operationId) + 2);
        assertThat(probe.changes(operationId)).isEqualTo(1);

        // A clinician marks it entered in error.
        ehr.simulator().setStatus(reference, "entered-in-error");
        JsonNode status = probe.awaitChange(eventId, 2);
        assertThat(status.get("change").asText()).isEqualTo("status-changed");
        assertThat(status.get("previousStatus").asText()).isEqualTo("final");
        assertThat(status.get("status").asText()).isEqualTo("entered-in-error");
        assertThat(status.get("version").asText()).isEqualTo("3");
        assertThat(probe.awaitNotice(eventId, "status-changed").get("remoteStatus").asText())
                .isEqualTo("entered-in-error");

        // And deletes it: reported once, and no longer read.
        ehr.simulator().delete(reference);
        assertThat(probe.awaitChange(eventId, 3).get("change").asText()).isEqualTo("deleted");
        probe.awaitNotice(eventId, "deleted");
        int readsOfDeleted = probe.reads(operationId);
        probe.awaitReads(untouchedOp, probe.reads(untouchedOp) + 3);
        assertThat(probe.reads(operationId)).isEqualTo(readsOfDeleted);
        assertThat(gateway.status(eventId).body().get("timeline").findValuesAsText("action").stream()
                .filter(a -> a.equals("operation.remote-changed"))).hasSize(3);
        assertThat(probe.remoteNotices(eventId)).hasSize(3);

        // The other record, read all along, never reported anything.
        assertThat(probe.reads(untouchedOp)).isGreaterThanOrEqualTo(5);
        assertThat(probe.changes(untouchedOp)).isZero();
        assertThat(probe.remoteNotices(untouched)).isEmpty();
        assertThat(gateway.status(untouched).body().at("/operations/0/remoteChanges").size()).isZero();
    }

    /**
     * The gateway's own amendment of a watched record is no change made in the EHR: nothing is reported, and the
     * record is watched on under the amendment (from what its verification saw), where a later edit shows.
     */
    @Test
    void the_gateways_own_amendment_is_not_reported_and_a_later_edit_shows_on_the_amendment() {
        ObjectNode task = Amendments.event("follow-up-task", 8101);
        JsonNode created = Amendments.deliver(gateway, task);
        String original = created.at("/operations/0/id").asText();
        probe.awaitReads(original, 1);

        ObjectNode done = Amendments.amending(task, created.get("id").asText());
        ((ObjectNode) done.get("payload")).put("status", "completed");
        JsonNode updated = Amendments.deliver(gateway, done);
        assertThat(updated.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        String amendment = updated.at("/operations/0/id").asText();
        probe.awaitReads(amendment, 2);
        assertThat(probe.changes(original)).as("the original is no longer watched apart").isZero();
        assertThat(probe.reads(original)).isZero();
        assertThat(probe.changes(amendment)).isZero();

        ehr.simulator().setStatus("Task/" + updated.at("/operations/0/remoteId").asText(), "cancelled");
        JsonNode change = probe.awaitChange(updated.get("id").asText(), 1);
        assertThat(change.get("change").asText()).isEqualTo("status-changed");
        assertThat(change.get("previousStatus").asText()).isEqualTo("completed");
        assertThat(probe.changes(original)).isZero();
        assertThat(gateway.status(created.get("id").asText()).body().at("/operations/0/remoteChanges").size())
                .isZero();
    }
}
