package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.cli.ChartBridgeCli;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The review queue: operations driven into review for real through the FHIR simulator's faults, listed with their
 * evidence, and acted on (retry, mark delivered, discard, resend anyway), each action audited with who and why.
 */
class ReviewQueueTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        // Reconciliation waits 1.5 s after an unknown outcome, so a test can turn reads off in between; retries and
        // checks wait at most 200 ms, so the ten checks and six sends that put a write in review or DEAD take about a
        // second.
        gateway = TestGateway.start(pg.url(), ehr.simulator().baseUrl(), "review-node",
                new dev.chartbridge.app.config.GatewayConfig.DeliveryConfig(6, 50L, 200L, 3_000L, 1_500L, true), 8);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static FhirSimulator sim() {
        return ehr.simulator();
    }

    @Test
    void operations_in_review_are_listed_newest_first_with_their_evidence_and_filtered() {
        Instant before = Instant.now().minusSeconds(1);
        String undetermined = operationId(gateway.status(intoReviewWithNothingWritten(5001)).body());
        sim().faults().dropFields("Observation", "component");
        String modified = operationId(gateway.awaitSettled(submit(Events.bloodPressure(5002))));
        sim().faults().clear();

        JsonNode items = ok(gateway.review("")).get("items");

        List<String> ids = items.findValuesAsText("id");
        assertThat(ids).contains(undetermined, modified);
        assertThat(ids.indexOf(modified)).isLessThan(ids.indexOf(undetermined));
        JsonNode u = item(items, undetermined);
        assertThat(u.get("state").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(u.get("target").asText()).isEqualTo(TestGateway.TARGET);
        assertThat(u.get("resourceType").asText()).isEqualTo("Observation");
        assertThat(u.get("errorDetail").asText()).startsWith("could not tell whether the write landed after 10 tries");
        assertThat(u.at("/attempts/0/step").asText()).isEqualTo("SEND");
        assertThat(u.at("/attempts/0/outcome").asText()).isEqualTo("unknown");
        assertThat(u.at("/attempts/0/httpStatus").asInt()).isEqualTo(500);
        assertThat(u.at("/attempts/1/step").asText()).isEqualTo("RECONCILE");
        assertThat(u.at("/attempts/1/traceId").asText()).isNotBlank();
        assertThat(u.get("remoteId").isNull()).isTrue();
        JsonNode m = item(items, modified);
        assertThat(m.get("state").asText()).isEqualTo("MODIFIED");
        assertThat(m.get("errorDetail").asText()).isEqualTo("the EHR dropped or altered: component");
        assertThat(m.get("remoteId").asText()).isNotBlank();
        assertThat(m.get("attempts").findValuesAsText("outcome")).containsExactly("created", "modified");

        assertThat(ok(gateway.review("?state=MODIFIED")).get("items").findValuesAsText("id"))
                .contains(modified).doesNotContain(undetermined);
        assertThat(ok(gateway.review("?target=elsewhere")).get("items")).isEmpty();
        assertThat(ok(gateway.review("?since=" + Instant.now().plusSeconds(3600))).get("items")).isEmpty();
        assertThat(ok(gateway.review("?since=" + before)).get("items").findValuesAsText("id"))
                .contains(modified, undetermined);
        assertThat(ok(gateway.review("?limit=1")).get("items")).hasSize(1);

        assertThat(refusedNaming(gateway.review("?state=VERIFIED"), 400)).isEqualTo("query:state");
        assertThat(refusedNaming(gateway.review("?limit=501"), 400)).isEqualTo("query:limit");
        assertThat(refusedNaming(gateway.review("?limit=ten"), 400)).isEqualTo("query:limit");
        assertThat(refusedNaming(gateway.review("?since=yesterday"), 400)).isEqualTo("query:since");
    }

    @Test
    void an_ambiguous_reconciliation_lists_both_candidates_and_the_reviewer_picks_one() {
        sim().faults().commitThenTimeout(1.0, 3_000);
        String eventId;
        String first;
        try {
            eventId = submit(Events.bloodPressure(5010));
            first = storedCopy(operationId(gateway.status(eventId).body()));
        } finally {
            sim().faults().clear();
        }
        String second = copyInTheEhr("Observation/" + first);
        gateway.await(eventId, s -> s.at("/operations/0/state").asText().equals("NEEDS_REVIEW"), Duration.ofSeconds(30));
        String op = operationId(gateway.status(eventId).body());

        JsonNode item = item(ok(gateway.review("?state=NEEDS_REVIEW")).get("items"), op);

        assertThat(item.get("errorClass").asText()).isEqualTo("DUPLICATE");
        assertThat(StreamSupport.stream(item.get("candidates").spliterator(), false).map(JsonNode::asText))
                .containsExactlyInAnyOrder("Observation/" + first, "Observation/" + second);
        assertThat(item.get("attempts").findValuesAsText("outcome")).containsExactly("unknown", "ambiguous");

        ok(gateway.reviewAction(op, body("mark-delivered", "user-5", "the first one is ours", first)));
        JsonNode status = gateway.await(eventId, s -> s.get("status").asText().equals("delivered"),
                Duration.ofSeconds(30));
        assertThat(status.at("/operations/0/remoteId").asText()).isEqualTo(first);
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
    }

    @Test
    void retry_after_a_lost_answer_reconciles_first_and_ends_verified_with_one_copy() {
        String eventId = intoReviewAfterALostAnswer(5003);
        String op = operationId(gateway.status(eventId).body());

        JsonNode done = ok(gateway.reviewAction(op, body("retry", "user-417", "EHR is answering again", null)));

        assertThat(done.get("previousState").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(done.get("state").asText()).isEqualTo("UNKNOWN");
        JsonNode status = gateway.await(eventId, s -> s.get("status").asText().equals("delivered"),
                Duration.ofSeconds(30));
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(op))).isEqualTo(1);
        assertThat(status.at("/operations/0/sends").asInt()).isEqualTo(1);
        List<String> outcomes = status.at("/operations/0/attempts").findValuesAsText("outcome");
        assertThat(outcomes.subList(outcomes.size() - 2, outcomes.size())).containsExactly("found", "verified");
        assertAudited(status, "review.retry", "user:user-417", "EHR is answering again", "NEEDS_REVIEW");
    }

    @Test
    void mark_delivered_stores_the_remote_id_verifies_the_record_and_audits_the_actor() {
        String eventId = intoReviewAfterALostAnswer(5004);
        String op = operationId(gateway.status(eventId).body());
        String found = storedCopy(op);

        JsonNode done = ok(gateway.reviewAction(op, body("mark-delivered", "1245319599", "found it in the chart",
                found)));

        assertThat(done.get("state").asText()).isEqualTo("CREATED");
        JsonNode status = gateway.await(eventId, s -> s.get("status").asText().equals("delivered"),
                Duration.ofSeconds(30));
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(status.at("/operations/0/remoteId").asText()).isEqualTo(found);
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(op))).isEqualTo(1);
        JsonNode entry = assertAudited(status, "review.mark-delivered", "user:1245319599", "found it in the chart",
                "NEEDS_REVIEW");
        assertThat(detail(entry).get("remoteId").asText()).isEqualTo(found);
        assertThat(detail(entry).get("via").asText()).startsWith("apikey:");
    }

    @Test
    void discard_ends_the_operation_and_the_event_no_longer_needs_review() {
        String eventId = intoReviewWithNothingWritten(5005);
        String op = operationId(gateway.status(eventId).body());

        JsonNode done = ok(gateway.reviewAction(op, body("discard", "user-9", "entered on paper instead", null)));

        assertThat(done.get("state").asText()).isEqualTo("DISCARDED");
        JsonNode status = gateway.status(eventId).body();
        assertThat(status.get("status").asText()).isEqualTo("discarded");
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("DISCARDED");
        assertThat(pg.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "'")).isZero();
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(op))).isZero();
        assertThat(ok(gateway.review("")).get("items").findValuesAsText("id")).doesNotContain(op);
        assertAudited(status, "review.discard", "user:user-9", "entered on paper instead", "NEEDS_REVIEW");

        assertThat(gateway.reviewAction(op, body("discard", "user-9", "again", null)).status()).isEqualTo(409);
        assertThat(gateway.reviewAction(op, body("retry", "user-9", null, null)).status()).isEqualTo(409);
    }

    @Test
    void resend_anyway_needs_a_reason_and_then_sends_without_searching_first() {
        String eventId = intoReviewWithNothingWritten(5006);
        String op = operationId(gateway.status(eventId).body());

        assertThat(refusedNaming(gateway.reviewAction(op, body("resend-anyway", "user-3", null, null)), 400))
                .isEqualTo("/reason");
        assertThat(gateway.status(eventId).body().at("/operations/0/state").asText()).isEqualTo("NEEDS_REVIEW");
        int attemptsBefore = gateway.status(eventId).body().at("/operations/0/attempts").size();

        JsonNode done = ok(gateway.reviewAction(op, body("resend-anyway", "user-3", "checked the chart by hand",
                null)));

        assertThat(done.get("state").asText()).isEqualTo("DUE");
        JsonNode status = gateway.await(eventId, s -> s.get("status").asText().equals("delivered"),
                Duration.ofSeconds(30));
        JsonNode attempts = status.at("/operations/0/attempts");
        assertThat(attempts.get(attemptsBefore).get("step").asText()).isEqualTo("SEND");
        assertThat(attempts.get(attemptsBefore).get("outcome").asText()).isEqualTo("created");
        assertThat(sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, operationKey(op))).isEqualTo(1);
        assertAudited(status, "review.resend-anyway", "user:user-3", "checked the chart by hand", "NEEDS_REVIEW");
    }

    @Test
    void two_reviewers_acting_at_once_cannot_both_act() {
        String eventId = intoReviewWithNothingWritten(5007);
        String op = operationId(gateway.status(eventId).body());

        var first = CompletableFuture.supplyAsync(() -> gateway.reviewAction(op, body("discard", "a", "x", null)));
        var second = CompletableFuture.supplyAsync(() -> gateway.reviewAction(op, body("retry", "b", "y", null)));

        assertThat(List.of(first.join().status(), second.join().status())).containsExactlyInAnyOrder(200, 409);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE operation_id = '" + op
                + "' AND action LIKE 'review.%'")).isEqualTo(1);
    }

    @Test
    void invalid_actions_are_refused_naming_the_field_and_unknown_operations_are_not_found() {
        String eventId = intoReviewWithNothingWritten(5008);
        String op = operationId(gateway.status(eventId).body());

        assertThat(refusedNaming(gateway.reviewAction(op, "{\"action\":\"retry\"}"), 400)).isEqualTo("/actor");
        assertThat(refusedNaming(gateway.reviewAction(op, body("undo", "u", null, null)), 400)).isEqualTo("/action");
        assertThat(refusedNaming(gateway.reviewAction(op, body("mark-delivered", "u", "r", null)), 400))
                .isEqualTo("/remoteId");
        assertThat(refusedNaming(gateway.reviewAction(op, "not json"), 400)).isEqualTo("");
        assertThat(gateway.reviewAction(java.util.UUID.randomUUID().toString(), body("retry", "u", null, null))
                .status()).isEqualTo(404);
        assertThat(gateway.reviewAction("not-a-uuid", body("retry", "u", null, null)).status()).isEqualTo(404);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE operation_id = '" + op
                + "' AND action LIKE 'review.%'")).isZero();

        String delivered = operationId(gateway.awaitSettled(submit(Events.bloodPressure(5009))));
        assertThat(gateway.reviewAction(delivered, body("retry", "u", null, null)).status()).isEqualTo(409);
    }

    /** A 500 on the send (outcome unknown, nothing stored), then on every search, so it goes to review. */
    @Test
    void a_dead_write_retried_after_the_ehr_recovers_is_verified_with_exactly_one_record() {
        sim().faults().errorRate(1.0, 503, null, true);
        String event = submit(Events.bloodPressure(5090));
        JsonNode dead = gateway.awaitSettled(event);
        sim().faults().clear();
        String op = operationId(dead);
        assertThat(dead.at("/operations/0/state").asText()).isEqualTo("DEAD");
        assertThat(ok(gateway.review("?state=DEAD&errorClass=TRANSIENT")).get("items").findValuesAsText("id"))
                .contains(op);

        JsonNode retried = ok(gateway.reviewAction(op, body("retry", "dr-lee", "the EHR is back up", null)));
        JsonNode status = gateway.awaitSettled(event);

        assertThat(retried.get("previousState").asText()).isEqualTo("DEAD");
        assertThat(retried.get("state").asText()).isEqualTo("DUE");
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(copiesInTheEhr(op)).isEqualTo(1);
        assertAudited(status, "review.retry", "user:dr-lee", "the EHR is back up", "DEAD");
    }

    @Test
    void dead_writes_are_retried_in_bulk_by_filter_through_the_api() {
        Instant since = Instant.now().minusSeconds(1);
        sim().faults().errorRate(1.0, 503, null, true);
        String first = submit(Events.bloodPressure(5091));
        String second = submit(Events.bloodPressure(5092));
        gateway.awaitSettled(first);
        gateway.awaitSettled(second);
        sim().faults().clear();

        JsonNode result = ok(gateway.reviewRetry(Json.MAPPER.createObjectNode().put("actor", "dr-lee")
                .put("reason", "EHR outage over").put("state", "DEAD").put("target", TestGateway.TARGET)
                .put("since", since.toString()).toString()));

        assertThat(result.get("retried").asInt()).isEqualTo(2);
        for (String event : List.of(first, second)) {
            JsonNode status = gateway.awaitSettled(event);
            assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
            assertThat(copiesInTheEhr(operationId(status))).isEqualTo(1);
        }
        assertThat(refusedNaming(gateway.reviewRetry("{\"actor\": \"dr-lee\"}"), 400)).isEqualTo("/reason");
    }

    @Test
    void dead_writes_are_listed_and_retried_from_the_command_line() {
        sim().faults().errorRate(1.0, 503, null, true);
        String event = submit(Events.bloodPressure(5093));
        String op = operationId(gateway.awaitSettled(event));
        sim().faults().clear();

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int listed;
        int retried;
        try {
            listed = new CommandLine(new ChartBridgeCli()).execute("review", "list", "--db-url", pg.url(),
                    "--tenant", TestGateway.TENANT, "--state", "DEAD");
            retried = new CommandLine(new ChartBridgeCli()).execute("review", "retry", "--db-url", pg.url(),
                    "--tenant", TestGateway.TENANT, "--state", "DEAD", "--target", TestGateway.TARGET,
                    "--actor", "ops-1", "--reason", "EHR maintenance over");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);

        assertThat(listed).as(out).isZero();
        assertThat(retried).as(out).isZero();
        assertThat(out).contains("\"id\":\"" + op + "\"").contains(op + " DONE DEAD -> DUE");
        JsonNode status = gateway.awaitSettled(event);
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(copiesInTheEhr(op)).isEqualTo(1);
        assertAudited(status, "review.retry", "user:ops-1", "EHR maintenance over", "DEAD");
    }

    /** How many records in the EHR carry the operation's identity. */
    private static long copiesInTheEhr(String operationId) {
        String key = operationKey(operationId);
        return sim().resources("Observation").stream().map(r -> (Observation) r)
                .filter(o -> o.getIdentifier().stream().anyMatch(i -> key.equals(i.getValue()))).count();
    }

    private static String intoReviewWithNothingWritten(int n) {
        sim().faults().errorRate(1.0, 500, null, true);
        try {
            String id = submit(Events.bloodPressure(n));
            gateway.await(id, s -> s.at("/operations/0/state").asText().equals("UNKNOWN"), Duration.ofSeconds(10));
            sim().faults().errorRate(1.0, 500, null, false);
            gateway.await(id, s -> s.at("/operations/0/state").asText().equals("NEEDS_REVIEW"), Duration.ofSeconds(30));
            return id;
        } finally {
            sim().faults().clear();
        }
    }

    /** The EHR stores the write and the answer is lost; then every search fails, so it goes to review. */
    private static String intoReviewAfterALostAnswer(int n) {
        sim().faults().commitThenTimeout(1.0, 3_000);
        try {
            String id = submit(Events.bloodPressure(n));
            storedCopy(operationId(gateway.status(id).body()));
            sim().faults().clear();
            sim().faults().errorRate(1.0, 500, null, false);
            gateway.await(id, s -> s.at("/operations/0/state").asText().equals("NEEDS_REVIEW"), Duration.ofSeconds(30));
            return id;
        } finally {
            sim().faults().clear();
        }
    }

    /** Waits until the EHR holds the operation's write (its answer is still hanging) and returns its id. */
    private static String storedCopy(String operationId) {
        String key = operationKey(operationId);
        Instant deadline = Instant.now().plusSeconds(10);
        while (sim().countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, key) == 0) {
            assertThat(Instant.now()).as("the EHR stores the write").isBefore(deadline);
            TestGateway.sleep(10);
        }
        return sim().resources("Observation").stream().map(r -> (Observation) r)
                .filter(o -> o.getIdentifier().stream().anyMatch(i -> i.getValue().equals(key)))
                .map(o -> o.getIdElement().getIdPart()).findFirst().orElseThrow();
    }

    /** Someone else enters a second copy of a record in the EHR over its FHIR API; returns the new id. */
    private static String copyInTheEhr(String reference) {
        var http = java.net.http.HttpClient.newHttpClient();
        try {
            String json = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim().baseUrl() + "/"
                            + reference)).header("Accept", "application/fhir+json").GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            ObjectNode copy = (ObjectNode) Json.MAPPER.readTree(json);
            copy.remove(List.of("id", "meta"));
            var created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim().baseUrl() + "/"
                            + reference.substring(0, reference.indexOf('/'))))
                    .header("Content-Type", "application/fhir+json").POST(java.net.http.HttpRequest.BodyPublishers
                            .ofString(copy.toString())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            return Json.MAPPER.readTree(created.body()).get("id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode assertAudited(JsonNode status, String action, String actor, String reason, String from) {
        JsonNode entry = StreamSupport.stream(status.get("timeline").spliterator(), false)
                .filter(e -> e.get("action").asText().equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError(action + " not in the timeline: " + status.get("timeline")));
        assertThat(entry.get("actor").asText()).isEqualTo(actor);
        assertThat(entry.get("operationId").asText()).isEqualTo(operationId(status));
        JsonNode detail = detail(entry);
        assertThat(detail.get("reason").asText()).isEqualTo(reason);
        assertThat(detail.get("previousState").asText()).isEqualTo(from);
        assertThat(detail.get("actor").asText()).isEqualTo(actor.substring("user:".length()));
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = '" + action + "' AND operation_id = '"
                + operationId(status) + "'")).isEqualTo(1);
        return entry;
    }

    private static JsonNode detail(JsonNode entry) {
        try {
            return Json.MAPPER.readTree(entry.get("detail").asText());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String body(String action, String actor, String reason, String remoteId) {
        ObjectNode b = Json.MAPPER.createObjectNode().put("action", action).put("actor", actor);
        if (reason != null) {
            b.put("reason", reason);
        }
        if (remoteId != null) {
            b.put("remoteId", remoteId);
        }
        return b.toString();
    }

    private static JsonNode ok(TestGateway.Answer a) {
        assertThat(a.status()).as("%s", a.text()).isEqualTo(200);
        return a.body();
    }

    private static String refusedNaming(TestGateway.Answer a, int status) {
        assertThat(a.status()).as("%s", a.text()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.body().get("errors")).as("%s", a.text()).hasSize(1);
        return a.body().at("/errors/0/pointer").asText();
    }

    private static JsonNode item(JsonNode items, String id) {
        return StreamSupport.stream(items.spliterator(), false).filter(i -> i.get("id").asText().equals(id))
                .findFirst().orElseThrow();
    }

    private static String submit(ObjectNode event) {
        TestGateway.Answer a = gateway.submit(event, null);
        assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
        return a.body().get("id").asText();
    }

    private static String operationId(JsonNode status) {
        return status.at("/operations/0/id").asText();
    }

    private static String operationKey(String operationId) {
        return pg.text("SELECT operation_key FROM write_operation WHERE id = '"
                + java.util.UUID.fromString(operationId) + "'");
    }
}
