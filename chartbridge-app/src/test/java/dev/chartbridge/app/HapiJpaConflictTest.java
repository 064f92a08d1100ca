package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.hapi.HapiJpaExtension;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.PostgresExtension;
import org.hl7.fhir.r4.model.Condition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11's "a stale {@code If-Match} is a CONFLICT that a reviewer can apply on the current version", against a
 * real HAPI FHIR JPA server: another user edits a condition the gateway wrote, the gateway's amendment carries the
 * version it wrote and HAPI answers 409; the reviewer sees HAPI's current version next to the gateway's intent
 * and applies the change on it; HAPI then holds both changes, the write is VERIFIED, and the decision is audited.
 */
class HapiJpaConflictTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static HapiJpaExtension hapi = new HapiJpaExtension();

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        // HAPI's JPA writes take longer than an in-process simulator's: 2 s read timeout, not TestGateway's 1 s.
        gateway = TestGateway.start(pg.url(), hapi.server().baseUrl(), "hapi-jpa-conflicts",
                TestGateway.fastDelivery(), 8, 2_000L);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void a_stale_if_match_is_a_conflict_the_reviewer_applies_on_hapis_current_version() {
        ObjectNode condition = Amendments.event("condition", 11_011);
        JsonNode created = Amendments.deliver(gateway, condition);
        assertThat(created.at("/operations/0/state").asText()).as("%s", created).isEqualTo("VERIFIED");
        String id = created.at("/operations/0/remoteId").asText();
        String written = created.at("/operations/0/remoteVersion").asText();
        String edited = hapi.server().faults().concurrentEdit("Condition/" + id);
        assertThat(edited).isNotEqualTo(written);

        ObjectNode amended = Amendments.amending(condition, created.get("id").asText());
        ((ObjectNode) amended.get("payload")).put("clinicalStatus", "resolved");
        JsonNode conflicted = Amendments.deliver(gateway, amended);
        JsonNode op = conflicted.at("/operations/0");
        assertThat(op.get("state").asText()).as("%s", conflicted).isEqualTo("CONFLICT");
        assertThat(op.get("attempts").findValuesAsText("httpStatus")).as("HAPI's answer to the stale If-Match")
                .contains("409");
        JsonNode shown = item(op.get("id").asText()).get("conflict");
        assertThat(shown.get("baseVersion").asText()).isEqualTo(written);
        assertThat(shown.get("remoteVersion").asText()).isEqualTo(edited);
        assertThat(shown.get("remoteContent").asText()).contains("Edited by another user in the EHR");
        assertThat(shown.get("localIntent").asText()).contains("resolved");

        ApiClient.Answer applied = gateway.reviewAction(op.get("id").asText(), Json.MAPPER.createObjectNode()
                .put("action", "apply-on-current").put("actor", "reviewer-9")
                .put("reason", "the other user added a note only").toString());
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        JsonNode done = gateway.await(conflicted.get("id").asText(), s -> s.at("/operations/0/state").asText()
                .equals("VERIFIED") || s.get("status").asText().equals("failed"), Duration.ofSeconds(30));

        assertThat(done.at("/operations/0/state").asText()).as("%s", done).isEqualTo("VERIFIED");
        assertThat(done.at("/operations/0/remoteId").asText()).isEqualTo(id);
        Condition stored = (Condition) hapi.server().read("Condition/" + id);
        assertThat(stored.getMeta().getVersionId()).isEqualTo(done.at("/operations/0/remoteVersion").asText())
                .isNotEqualTo(edited);
        assertThat(stored.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("resolved");
        assertThat(stored.getNote()).extracting(n -> n.getText()).as("the other user's note kept")
                .contains("Edited by another user in the EHR");
        List<JsonNode> audit = new ArrayList<>();
        done.get("timeline").forEach(e -> {
            if (e.get("action").asText().equals("review.apply-on-current")) {
                audit.add(e);
            }
        });
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("actor").asText()).isEqualTo("user:reviewer-9");
        assertThat(audit.get(0).get("detail").asText()).contains("\"onVersion\":\"" + edited + "\"")
                .contains("\"previousVersion\":\"" + written + "\"");
    }

    private static JsonNode item(String operationId) {
        for (JsonNode i : gateway.review("?state=CONFLICT").body().get("items")) {
            if (i.get("id").asText().equals(operationId)) {
                return i;
            }
        }
        throw new AssertionError("operation " + operationId + " is not in review");
    }
}
