package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11, "conflicts can be finished", on the versioned FHIR simulator: a reviewer facing an amendment in
 * CONFLICT can apply it on the record's current version (keeping the EHR's edit), or resend it whole on that
 * version with a reason; {@code retry} no longer resends the stale {@code If-Match}; every decision is audited.
 * An amendment keeps the fields that say when the record was made.
 */
class ConflictResolutionTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("conflicts-node", t -> t);

    private static FhirSimulator sim() {
        return env.ehr();
    }

    /** A condition written, edited by another user in the EHR, then amended: the amendment ends in CONFLICT. */
    private static Conflicted conflicted(int n, String clinicalStatus) {
        ObjectNode condition = Amendments.event("condition", n);
        JsonNode created = Amendments.deliver(env.gateway(), condition);
        assertThat(created.get("status").asText()).as("%s", created).isEqualTo("delivered");
        String id = created.at("/operations/0/remoteId").asText();
        assertThat(sim().faults().concurrentEdit("Condition/" + id)).isEqualTo("2");
        ObjectNode amended = Amendments.amending(condition, created.get("id").asText());
        ((ObjectNode) amended.get("payload")).put("clinicalStatus", clinicalStatus);
        JsonNode status = Amendments.deliver(env.gateway(), amended);
        assertThat(status.at("/operations/0/state").asText()).as("%s", status).isEqualTo("CONFLICT");
        return new Conflicted(id, status.get("id").asText(), status.at("/operations/0/id").asText(),
                condition.get("occurredAt").asText());
    }

    private record Conflicted(String conditionId, String eventId, String operationId, String originalTime) {
    }

    @Test
    void retry_on_a_conflict_is_refused_instead_of_sending_the_stale_if_match_again() {
        Conflicted c = conflicted(1, "resolved");
        int puts = puts(c.conditionId()).size();

        ApiClient.Answer retried = act(c.operationId(), "retry", null);

        assertThat(retried.status()).as(retried.text()).isEqualTo(409);
        assertThat(retried.body().get("type").asText()).endsWith("stale-version");
        assertThat(retried.body().get("detail").asText()).contains("apply-on-current");
        JsonNode status = env.gateway().status(c.eventId()).body();
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("CONFLICT");
        assertThat(puts(c.conditionId())).as("nothing sent again").hasSize(puts);
        assertThat(status.get("timeline").findValuesAsText("action")).doesNotContain("review.retry");
    }

    @Test
    void apply_on_current_puts_the_change_on_the_version_shown_keeping_the_ehr_edit_and_is_audited() {
        Conflicted c = conflicted(2, "resolved");

        ApiClient.Answer applied = act(c.operationId(), "apply-on-current", "checked the other user's note");
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        JsonNode status = env.gateway().await(c.eventId(), s -> s.at("/operations/0/state").asText()
                .equals("VERIFIED") || s.get("status").asText().equals("failed"), Duration.ofSeconds(30));

        JsonNode op = status.at("/operations/0");
        assertThat(op.get("state").asText()).as("%s", status).isEqualTo("VERIFIED");
        assertThat(op.get("remoteId").asText()).isEqualTo(c.conditionId());
        assertThat(op.get("remoteVersion").asText()).isEqualTo("3");
        List<RecordedRequest> puts = puts(c.conditionId());
        assertThat(puts).extracting(r -> r.header("If-Match")).containsExactly("W/\"1\"", "W/\"2\"");
        Condition stored = (Condition) sim().read("Condition/" + c.conditionId()).orElseThrow();
        assertThat(stored.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("resolved");
        assertThat(stored.getMeta().getTag()).extracting(t -> t.getCode()).as("the EHR's edit kept")
                .contains("concurrent-edit");
        assertThat(stored.getNote()).extracting(n -> n.getText()).contains("Edited by another user in the EHR");
        JsonNode audit = timeline(status, "review.apply-on-current");
        assertThat(audit.get("actor").asText()).isEqualTo("user:reviewer-7");
        assertThat(audit.get("detail").asText()).contains("\"onVersion\":\"2\"").contains("\"previousVersion\":\"1\"")
                .contains("checked the other user's note");
    }

    @Test
    void resend_anyway_on_a_conflicted_amendment_replaces_the_version_shown_and_keeps_the_record_id() {
        Conflicted c = conflicted(3, "inactive");

        ApiClient.Answer resent = act(c.operationId(), "resend-anyway", "the other user's edit was a mistake");
        assertThat(resent.status()).as(resent.text()).isEqualTo(200);
        JsonNode status = env.gateway().await(c.eventId(), s -> s.at("/operations/0/state").asText()
                .equals("VERIFIED") || s.get("status").asText().equals("failed"), Duration.ofSeconds(30));

        JsonNode op = status.at("/operations/0");
        assertThat(op.get("state").asText()).as("%s", status).isEqualTo("VERIFIED");
        assertThat(op.get("remoteId").asText()).as("record id kept").isEqualTo(c.conditionId());
        assertThat(op.get("sends").asInt()).as("the refused PUT and the resend").isEqualTo(2);
        assertThat(puts(c.conditionId())).extracting(r -> r.header("If-Match")).containsExactly("W/\"1\"", "W/\"2\"");
        assertThat(op.get("attempts").findValuesAsText("outcome")).doesNotContain("unknown");
        Condition stored = (Condition) sim().read("Condition/" + c.conditionId()).orElseThrow();
        assertThat(stored.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("inactive");
        assertThat(stored.getMeta().getVersionId()).isEqualTo("3");
        assertThat(sim().resources("Condition").stream().filter(r -> r.getIdElement().getIdPart()
                .equals(c.conditionId())).count()).isEqualTo(1);
        assertThat(timeline(status, "review.resend-anyway").get("detail").asText()).contains("\"onVersion\":\"2\"");
    }

    @Test
    void apply_on_current_is_refused_for_a_write_in_review_that_is_no_conflict() {
        sim().faults().dropFields("AllergyIntolerance", "reaction");
        JsonNode modified = Amendments.deliver(env.gateway(), Amendments.event("allergy", 6));
        assertThat(modified.at("/operations/0/state").asText()).as("%s", modified).isEqualTo("MODIFIED");

        ApiClient.Answer refused = act(modified.at("/operations/0/id").asText(), "apply-on-current", null);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.body().get("type").asText()).endsWith("not-a-conflict");
        JsonNode after = env.gateway().status(modified.get("id").asText()).body();
        assertThat(after.at("/operations/0/state").asText()).isEqualTo("MODIFIED");
        assertThat(after.get("timeline").findValuesAsText("action")).doesNotContain("review.apply-on-current");
    }

    @Test
    void an_amendment_keeps_when_the_record_was_made_recorded_date_and_authored_on() {
        ObjectNode condition = Amendments.event("condition", 4);
        JsonNode created = Amendments.deliver(env.gateway(), condition);
        ObjectNode amended = Amendments.amending(condition, created.get("id").asText());
        ((ObjectNode) amended.get("payload")).put("verificationStatus", "confirmed");
        JsonNode updated = Amendments.deliver(env.gateway(), amended);
        assertThat(updated.at("/operations/0/state").asText()).as("%s", updated).isEqualTo("VERIFIED");
        Condition c = (Condition) sim().read("Condition/" + created.at("/operations/0/remoteId").asText())
                .orElseThrow();
        assertThat(c.getVerificationStatus().getCodingFirstRep().getCode()).isEqualTo("confirmed");
        assertThat(c.getRecordedDateElement().getValue().toInstant().toString())
                .isEqualTo(condition.get("occurredAt").asText());

        ObjectNode med = Amendments.event("medication-change", 5);
        JsonNode medCreated = Amendments.deliver(env.gateway(), med);
        ObjectNode medAmended = Amendments.amending(med, medCreated.get("id").asText());
        ((ObjectNode) medAmended.at("/payload/dose")).put("value", 20);
        JsonNode medUpdated = Amendments.deliver(env.gateway(), medAmended);
        assertThat(medUpdated.at("/operations/0/state").asText()).as("%s", medUpdated).isEqualTo("VERIFIED");
        MedicationRequest m = (MedicationRequest) sim().read("MedicationRequest/"
                + medCreated.at("/operations/0/remoteId").asText()).orElseThrow();
        assertThat(m.getDosageInstructionFirstRep().getDoseAndRateFirstRep().getDoseQuantity().getValue())
                .isEqualByComparingTo("20");
        assertThat(m.getAuthoredOnElement().getValue().toInstant().toString())
                .isEqualTo(med.get("occurredAt").asText());
    }

    private static ApiClient.Answer act(String operationId, String action, String reason) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("action", action).put("actor", "reviewer-7");
        if (reason != null) {
            body.put("reason", reason);
        }
        return env.gateway().reviewAction(operationId, body.toString());
    }

    private static List<RecordedRequest> puts(String conditionId) {
        return sim().stats().journal().matching("PUT", "/fhir/Condition/" + conditionId);
    }

    private static JsonNode timeline(JsonNode status, String action) {
        List<JsonNode> found = new java.util.ArrayList<>();
        status.get("timeline").forEach(e -> {
            if (e.get("action").asText().equals(action)) {
                found.add(e);
            }
        });
        assertThat(found).as("audit entries %s", action).hasSize(1);
        return found.get(0);
    }
}
