package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-patient order over real HTTP: writes for one patient and target reach the EHR in the order their events
 * were accepted, even when a fault holds the first one back; another patient's writes are not held up.
 */
class PatientOrderTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("order-node", t -> t);

    @BeforeEach
    void forgetEarlierRequests() {
        sim().stats().journal().clear();
    }

    private static FhirSimulator sim() {
        return env.ehr();
    }

    @Test
    void writes_for_one_patient_land_in_accepted_order_while_the_first_waits_out_a_503() {
        sim().faults().errorRate(1.0, 503, 2, true);
        String first = submit(Events.bloodPressure(11));
        env.gateway().await(first, s -> s.at("/operations/0/state").asText().equals("RETRY_WAIT"), Duration.ofSeconds(10));
        // Accepted while the first is in backoff: they must wait behind it, so they never meet the fault.
        String second = submit(Events.bloodPressure(12));
        String third = submit(Events.bloodPressure(13));
        sim().faults().clear();
        String otherPatient = submit(forJames(Events.bloodPressure(14)));

        for (String id : List.of(first, second, third, otherPatient)) {
            assertThat(env.gateway().awaitSettled(id).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        }
        List<Integer> posts = postedSystolics();
        List<Integer> maria = posts.stream().filter(s -> s != systolic(14)).toList();
        // The first is sent until the fault is off (once or more), then each later one exactly once, in order.
        assertThat(maria.subList(maria.size() - 2, maria.size())).as("Maria's writes as the EHR saw them: %s", maria)
                .containsExactly(systolic(12), systolic(13));
        assertThat(maria.subList(0, maria.size() - 2)).hasSizeGreaterThanOrEqualTo(2).containsOnly(systolic(11));

        assertThat(attemptOutcomes(second)).containsExactly("created", "verified");
        assertThat(attemptOutcomes(third)).containsExactly("created", "verified");
        assertThat(actions(second)).containsExactly("event.accepted", "operation.held", "operation.released",
                "operation.created", "operation.verified");
        assertThat(heldBehind(second)).isEqualTo(operationId(first));
        assertThat(heldBehind(third)).isEqualTo(operationId(second));
        assertThat(actions(otherPatient)).as("James is not held up behind Maria's retry")
                .doesNotContain("operation.held");
        assertThat(env.pg().count("SELECT count(*) FROM outbox")).isZero();
    }

    @Test
    void a_later_write_waits_until_an_unknown_outcome_is_reconciled_and_another_patient_goes_ahead() {
        sim().faults().commitThenTimeout(1.0, 3_000);
        String first = submit(Events.bloodPressure(21));
        String second = submit(Events.bloodPressure(22));
        awaitPosts(1);
        // The first hangs until the gateway's read timeout; nothing after this point meets a fault.
        sim().faults().clear();
        String otherPatient = submit(forJames(Events.bloodPressure(23)));

        JsonNode firstStatus = env.gateway().awaitSettled(first);
        JsonNode secondStatus = env.gateway().awaitSettled(second);
        assertThat(env.gateway().awaitSettled(otherPatient).at("/operations/0/state").asText()).isEqualTo("VERIFIED");

        assertThat(firstStatus.at("/operations/0/attempts").findValuesAsText("outcome"))
                .containsExactly("unknown", "found", "verified");
        assertThat(secondStatus.at("/operations/0/attempts").findValuesAsText("outcome"))
                .containsExactly("created", "verified");
        List<RecordedRequest> journal = sim().stats().journal().all();
        int search = -1;
        for (int i = 0; i < journal.size() && search < 0; i++) {
            RecordedRequest r = journal.get(i);
            if (r.method().equals("GET") && r.pathAndQuery().startsWith("/fhir/Observation?")) {
                search = i;
            }
        }
        List<Integer> posts = postedSystolics();
        assertThat(posts).as("each write sent once").containsExactly(systolic(21), systolic(23), systolic(22));
        assertThat(journal.indexOf(sim().stats().journal().matching("POST", "/fhir/Observation").get(2)))
                .as("Maria's second write was sent only after her first was found").isGreaterThan(search);
        assertThat(search).isNotNegative();
    }

    @Test
    void a_medication_change_awaiting_approval_holds_up_none_of_the_patients_other_writes() {
        String held = submit(Events.of("medication-change"));
        String later = submit(Events.bloodPressure(31));

        assertThat(env.gateway().awaitSettled(later).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(actions(later)).doesNotContain("operation.held");
        assertThat(env.gateway().status(held).body().at("/operations/0/state").asText()).isEqualTo("AWAITING_APPROVAL");

        assertThat(env.gateway().approve(held).status()).isEqualTo(200);
        assertThat(env.gateway().awaitSettled(held).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
    }

    private static String submit(ObjectNode event) {
        TestGateway.Answer a = env.gateway().submit(event, null);
        assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
        return a.body().get("id").asText();
    }

    /** The same reading for James Smith, who has no open encounter in the seed. */
    private static ObjectNode forJames(ObjectNode event) {
        ((ObjectNode) event.at("/patient/identifiers/0")).put("value", SeedData.MRN_JAMES);
        event.remove("encounter");
        return event;
    }

    private static void awaitPosts(int n) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (sim().stats().journal().matching("POST", "/fhir/Observation").size() < n) {
            assertThat(Instant.now()).as("%d POSTs reached the simulator", n).isBefore(deadline);
            TestGateway.sleep(20);
        }
    }

    private static int systolic(int n) {
        return 100 + n % 90;
    }

    /** The systolic value of every Observation POST the simulator received, in arrival order. */
    private static List<Integer> postedSystolics() {
        return sim().stats().journal().matching("POST", "/fhir/Observation").stream()
                .map(PatientOrderTest::systolicOf).toList();
    }

    private static int systolicOf(RecordedRequest r) {
        try {
            JsonNode body = Json.MAPPER.readTree(r.bodyText());
            return body.at("/component/0/valueQuantity/value").asInt(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> attemptOutcomes(String eventId) {
        return env.gateway().status(eventId).body().at("/operations/0/attempts").findValuesAsText("outcome");
    }

    private static List<String> actions(String eventId) {
        return env.gateway().status(eventId).body().get("timeline").findValuesAsText("action");
    }

    private static String operationId(String eventId) {
        return env.gateway().status(eventId).body().at("/operations/0/id").asText();
    }

    /** The operation the audit says this event's write was queued behind. */
    private static String heldBehind(String eventId) {
        return env.pg().jdbc().read(c -> {
            try (var ps = c.prepareStatement("SELECT detail::jsonb ->> 'behind' FROM audit_entry"
                    + " WHERE event_id = ?::uuid AND action = 'operation.held'")) {
                ps.setString(1, eventId);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }
}
