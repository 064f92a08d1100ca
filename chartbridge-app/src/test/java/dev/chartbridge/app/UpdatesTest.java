package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Amendments on a versioned FHIR server (the generic simulator: ETags, If-Match answered 412): an update carries
 * the stored version, a concurrent edit by "another user" is a conflict with both sides stored and shown for
 * review, a follow-up task merges a change to other fields, a medication change is always reviewed, and an update
 * whose answer was lost is found by reading the record instead of being sent again.
 */
class UpdatesTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("updates-node", t -> t);

    private static FhirSimulator sim() {
        return env.ehr();
    }

    @Test
    void a_task_status_update_is_sent_with_if_match_on_the_stored_version_and_lands() {
        ObjectNode task = Amendments.event("follow-up-task", 1);
        JsonNode created = Amendments.deliver(env.gateway(), task);
        String taskId = created.at("/operations/0/remoteId").asText();
        assertThat(created.at("/operations/0/remoteVersion").asText()).isEqualTo("1");

        ObjectNode done = Amendments.amending(task, created.get("id").asText());
        ((ObjectNode) done.get("payload")).put("status", "completed");
        JsonNode updated = Amendments.deliver(env.gateway(), done);

        assertThat(updated.get("status").asText()).isEqualTo("delivered");
        JsonNode op = updated.at("/operations/0");
        assertThat(op.get("state").asText()).isEqualTo("VERIFIED");
        assertThat(op.get("remoteId").asText()).isEqualTo(taskId);
        assertThat(op.get("remoteVersion").asText()).isEqualTo("2");
        List<RecordedRequest> puts = sim().stats().journal().matching("PUT", "/fhir/Task/" + taskId);
        assertThat(puts).hasSize(1);
        assertThat(puts.get(0).header("If-Match")).isEqualTo("W/\"1\"");
        Task stored = (Task) sim().read("Task/" + taskId).orElseThrow();
        assertThat(stored.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(stored.getMeta().getVersionId()).isEqualTo("2");
        assertThat(sim().resources("Task")).hasSize(1);
        assertThat(updated.get("timeline").findValuesAsText("action")).contains("event.accepted", "operation.created",
                "operation.verified");
        assertThat(updated.get("timeline").get(0).get("detail").asText()).contains(created.get("id").asText());
    }

    @Test
    void a_concurrent_edit_makes_a_note_amendment_a_conflict_with_both_sides_in_review() {
        ObjectNode note = Amendments.event("note", 2);
        JsonNode created = Amendments.deliver(env.gateway(), note);
        String noteId = created.at("/operations/0/remoteId").asText();
        assertThat(sim().faults().concurrentEdit("DocumentReference/" + noteId)).isEqualTo("2");

        ObjectNode amended = Amendments.amending(note, created.get("id").asText());
        ((ObjectNode) amended.get("payload")).put("text", "Addendum: BP recheck moved to 2 weeks.");
        JsonNode status = Amendments.deliver(env.gateway(), amended);

        assertThat(status.get("status").asText()).isEqualTo("needs-review");
        String opId = status.at("/operations/0/id").asText();
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("CONFLICT");
        assertThat(status.at("/operations/0/attempts/0/httpStatus").asInt()).isEqualTo(412);
        JsonNode item = item(opId);
        assertThat(item.get("errorClass").asText()).isEqualTo("CONFLICT");
        JsonNode conflict = item.get("conflict");
        assertThat(conflict.get("baseVersion").asText()).isEqualTo("1");
        assertThat(conflict.get("remoteVersion").asText()).isEqualTo("2");
        assertThat(texts(conflict.get("localFields"))).contains("content");
        assertThat(texts(conflict.get("remoteFields"))).contains("meta.tag");
        assertThat(conflict.get("localIntent").asText()).contains(base64("Addendum: BP recheck moved to 2 weeks."));
        assertThat(conflict.get("remoteContent").asText()).contains("concurrent-edit")
                .contains(base64(note.at("/payload/text").asText()));
        DocumentReference stored = (DocumentReference) sim().read("DocumentReference/" + noteId).orElseThrow();
        assertThat(stored.getMeta().getVersionId()).isEqualTo("2");
        assertThat(new String(stored.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
                .isEqualTo(note.at("/payload/text").asText());
        assertThat(status.get("timeline").findValuesAsText("action")).contains("operation.conflict");
    }

    @Test
    void a_task_whose_other_fields_changed_in_the_ehr_merges_and_keeps_both_changes() {
        ObjectNode task = Amendments.event("follow-up-task", 3);
        JsonNode created = Amendments.deliver(env.gateway(), task);
        String taskId = created.at("/operations/0/remoteId").asText();
        sim().faults().concurrentEdit("Task/" + taskId);

        ObjectNode started = Amendments.amending(task, created.get("id").asText());
        ((ObjectNode) started.get("payload")).put("status", "in-progress");
        JsonNode updated = Amendments.deliver(env.gateway(), started);

        assertThat(updated.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(updated.at("/operations/0/remoteVersion").asText()).isEqualTo("3");
        List<RecordedRequest> puts = sim().stats().journal().matching("PUT", "/fhir/Task/" + taskId);
        assertThat(puts).extracting(r -> r.header("If-Match")).containsExactly("W/\"1\"", "W/\"2\"");
        Task stored = (Task) sim().read("Task/" + taskId).orElseThrow();
        assertThat(stored.getStatus()).isEqualTo(Task.TaskStatus.INPROGRESS);
        assertThat(stored.getNote()).extracting(n -> n.getText()).contains("Edited by another user in the EHR");
        assertThat(stored.getMeta().getTag()).extracting(t -> t.getCode()).contains("concurrent-edit");
        assertThat(stored.getDescription()).isEqualTo(task.at("/payload/description").asText());
    }

    @Test
    void a_medication_change_update_always_goes_to_review_even_when_the_fields_do_not_overlap() {
        ObjectNode med = Amendments.event("medication-change", 4);
        JsonNode created = Amendments.deliver(env.gateway(), med);
        String medId = created.at("/operations/0/remoteId").asText();
        sim().faults().concurrentEdit("MedicationRequest/" + medId);

        ObjectNode changed = Amendments.amending(med, created.get("id").asText());
        ((ObjectNode) changed.get("payload")).put("action", "change");
        ((ObjectNode) changed.at("/payload/dose")).put("value", 20);
        JsonNode status = Amendments.deliver(env.gateway(), changed);

        assertThat(status.at("/operations/0/state").asText()).isEqualTo("CONFLICT");
        JsonNode conflict = item(status.at("/operations/0/id").asText()).get("conflict");
        assertThat(texts(conflict.get("localFields"))).contains("dosageInstruction")
                .doesNotContainAnyElementsOf(texts(conflict.get("remoteFields")));
        assertThat(item(status.at("/operations/0/id").asText()).get("errorDetail").asText()).contains("note");
        MedicationRequest stored = (MedicationRequest) sim().read("MedicationRequest/" + medId).orElseThrow();
        assertThat(stored.getDosageInstructionFirstRep().getDoseAndRateFirstRep().getDoseQuantity().getValue())
                .isEqualByComparingTo("10");
        assertThat(sim().stats().journal().matching("PUT", "/fhir/MedicationRequest/" + medId)).hasSize(1);
    }

    @Test
    void an_update_whose_answer_was_lost_is_found_by_reading_the_record_and_not_sent_again() {
        ObjectNode task = Amendments.event("follow-up-task", 5);
        JsonNode created = Amendments.deliver(env.gateway(), task);
        String taskId = created.at("/operations/0/remoteId").asText();
        ObjectNode cancelled = Amendments.amending(task, created.get("id").asText());
        ((ObjectNode) cancelled.get("payload")).put("status", "cancelled");
        sim().faults().commitThenTimeout(1.0, 3_000);
        JsonNode updated;
        try {
            String id = env.gateway().submit(cancelled, null).body().get("id").asText();
            updated = env.gateway().await(id, s -> s.at("/operations/0/attempts").size() >= 1, Duration.ofSeconds(20));
            sim().faults().clear();
            updated = env.gateway().awaitSettled(id);
        } finally {
            sim().faults().clear();
        }

        assertThat(updated.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(updated.at("/operations/0/attempts").findValuesAsText("outcome")).containsSequence("unknown", "found");
        assertThat(sim().stats().journal().matching("PUT", "/fhir/Task/" + taskId)).hasSize(1);
        assertThat(((Task) sim().read("Task/" + taskId).orElseThrow()).getStatus())
                .isEqualTo(Task.TaskStatus.CANCELLED);
    }

    @Test
    void an_amendment_that_names_no_changeable_write_is_refused_naming_the_field_and_nothing_is_stored() {
        ObjectNode task = Amendments.event("follow-up-task", 6);
        String taskEvent = Amendments.deliver(env.gateway(), task).get("id").asText();
        ObjectNode note = Amendments.event("note", 6);
        String noteEvent = Amendments.deliver(env.gateway(), note).get("id").asText();

        ObjectNode unknown = Amendments.amending(task, "00000000-0000-4000-8000-000000000000");
        assertThat(refused(unknown, 422)).isEqualTo("/amends");
        ObjectNode otherType = Amendments.amending(task, noteEvent);
        assertThat(refused(otherType, 422)).isEqualTo("/amends");
        ObjectNode otherPatient = Amendments.amending(task, taskEvent);
        ((ObjectNode) otherPatient.at("/patient/identifiers/0")).put("value", "1003");
        assertThat(refused(otherPatient, 422)).isEqualTo("/patient/identifiers");
        ObjectNode vitals = Events.bloodPressure(6);
        vitals.put("amends", taskEvent);
        assertThat(refused(vitals, 400)).isEqualTo("/amends");
        ObjectNode notUuid = Amendments.amending(task, "task-1");
        assertThat(refused(notUuid, 400)).isEqualTo("/amends");

        ObjectNode first = Amendments.amending(task, taskEvent);
        ((ObjectNode) first.get("payload")).put("status", "completed");
        String firstId = Amendments.deliver(env.gateway(), first).get("id").asText();
        ObjectNode second = Amendments.amending(first, taskEvent);
        ((ObjectNode) second.get("payload")).put("status", "cancelled");
        JsonNode problem = env.gateway().submit(second, null).body();
        assertThat(problem.at("/errors/0/detail").asText()).contains(firstId);
        assertThat(sim().stats().journal().matching("PUT", "/fhir/Task/")).hasSize(1);
    }

    @Test
    void a_replayed_amendment_gets_its_original_answer_and_amends_nothing_again() {
        ObjectNode task = Amendments.event("follow-up-task", 7);
        String taskEvent = Amendments.deliver(env.gateway(), task).get("id").asText();
        ObjectNode done = Amendments.amending(task, taskEvent);
        ((ObjectNode) done.get("payload")).put("status", "completed");
        ApiClient.Answer first = env.gateway().submit(done, "amend-replay");
        assertThat(first.status()).as(first.text()).isEqualTo(202);

        ApiClient.Answer again = env.gateway().submit(done, "amend-replay");

        assertThat(again.status()).as(again.text()).isEqualTo(202);
        assertThat(again.body().get("id")).isEqualTo(first.body().get("id"));
        assertThat(again.body().get("operations")).isEqualTo(first.body().get("operations"));
        assertThat(env.pg().count("SELECT count(*) FROM write_operation WHERE event_id = '"
                + first.body().get("id").asText() + "'")).isEqualTo(1);
    }

    private static String refused(ObjectNode event, int status) {
        ApiClient.Answer a = env.gateway().submit(event, null);
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        return a.body().at("/errors/0/pointer").asText();
    }

    private static JsonNode item(String operationId) {
        for (JsonNode i : env.gateway().review("?state=CONFLICT").body().get("items")) {
            if (i.get("id").asText().equals(operationId)) {
                return i;
            }
        }
        throw new AssertionError("operation " + operationId + " is not in review");
    }

    private static List<String> texts(JsonNode array) {
        return Json.MAPPER.convertValue(array, Json.MAPPER.getTypeFactory()
                .constructCollectionType(List.class, String.class));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
