package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fan-out to two EHRs where the second refuses the write. By default the event is surfaced as
 * partially-delivered and the record written in the first EHR is left exactly as it is; with the
 * {@code entered-in-error} policy for the type, the gateway marks that sibling record entered-in-error through its
 * own audited update operation, and deletes nothing.
 */
class FanOutCompensationTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension first = new FhirSimulatorExtension();
    @RegisterExtension
    static FhirSimulatorExtension second = new FhirSimulatorExtension();

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        GatewayConfig c = TestGateway.config(pg.url(), first.simulator().baseUrl(), "fan-out",
                TestGateway.fastDelivery(), 4);
        GatewayConfig.TenantConfig t = c.tenants().get(0);
        List<GatewayConfig.ConnectionConfig> connections = List.of(
                GatewayConfig.ConnectionConfig.fhir("ehr", first.simulator().baseUrl(), 4, 2_000L),
                GatewayConfig.ConnectionConfig.fhir("ehr2", second.simulator().baseUrl(), 4, 2_000L));
        gateway = TestGateway.start(new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(), c.security(),
                List.of(new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), connections, null, null, null,
                        null, null, Map.of("follow-up-task", "entered-in-error")))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode fanOutWithTheSecondRefusing(ObjectNode event) {
        event.putArray("targets").add("ehr").add("ehr2");
        second.simulator().faults().errorRate(1.0, 422, null, true);
        String id = gateway.submit(event, null).body().get("id").asText();
        return gateway.awaitSettled(id);
    }

    private static JsonNode op(JsonNode status, String target, String kind) {
        for (JsonNode op : status.get("operations")) {
            if (op.get("target").asText().equals(target) && op.get("kind").asText().equals(kind)) {
                return op;
            }
        }
        return null;
    }

    @Test
    void by_default_a_partial_fan_out_is_surfaced_and_the_written_sibling_is_left_alone() {
        JsonNode status = fanOutWithTheSecondRefusing(Amendments.event("note", 21));

        assertThat(status.get("status").asText()).isEqualTo("partially-delivered");
        assertThat(op(status, "ehr", "create").get("state").asText()).isEqualTo("VERIFIED");
        assertThat(op(status, "ehr2", "create").get("state").asText()).isEqualTo("REJECTED");
        assertThat(op(status, "ehr", "compensate")).isNull();
        assertThat(status.get("timeline").findValuesAsText("action")).noneMatch(a -> a.startsWith("compensation."));
        String noteId = op(status, "ehr", "create").get("remoteId").asText();
        DocumentReference stored = (DocumentReference) first.simulator().read("DocumentReference/" + noteId)
                .orElseThrow();
        assertThat(stored.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.CURRENT);
        assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
        assertThat(first.simulator().stats().journal().matching("PUT", "/fhir/")).isEmpty();
    }

    @Test
    void with_entered_in_error_the_written_sibling_is_marked_through_its_own_audited_operation() {
        JsonNode settled = fanOutWithTheSecondRefusing(Amendments.event("follow-up-task", 22));
        JsonNode status = gateway.await(settled.get("id").asText(), s -> op(s, "ehr", "compensate") != null
                && op(s, "ehr", "compensate").get("state").asText().equals("VERIFIED"), Duration.ofSeconds(30));

        assertThat(status.get("status").asText()).isEqualTo("partially-delivered");
        JsonNode sibling = op(status, "ehr", "create");
        JsonNode compensation = op(status, "ehr", "compensate");
        assertThat(compensation.get("amends").asText()).isEqualTo(sibling.get("id").asText());
        assertThat(compensation.get("remoteId").asText()).isEqualTo(sibling.get("remoteId").asText());
        String taskId = sibling.get("remoteId").asText();
        List<RecordedRequest> puts = first.simulator().stats().journal().matching("PUT", "/fhir/Task/" + taskId);
        assertThat(puts).hasSize(1);
        assertThat(puts.get(0).header("If-Match")).isEqualTo("W/\"1\"");
        Task stored = (Task) first.simulator().read("Task/" + taskId).orElseThrow();
        assertThat(stored.getStatus()).isEqualTo(Task.TaskStatus.ENTEREDINERROR);
        assertThat(stored.getDescription()).isNotBlank();
        assertThat(first.simulator().resources("Task")).hasSize(1);
        assertThat(second.simulator().resources("Task")).isEmpty();
        JsonNode planned = null;
        for (JsonNode entry : status.get("timeline")) {
            if (entry.get("action").asText().equals("compensation.planned")) {
                planned = entry;
            }
        }
        assertThat(planned).isNotNull();
        assertThat(planned.get("operationId").asText()).isEqualTo(compensation.get("id").asText());
        assertThat(planned.get("detail").asText()).contains(sibling.get("id").asText()).contains("entered-in-error");
        assertThat(status.get("timeline").findValuesAsText("action")).contains("operation.verified");
    }
}
