package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.Simulator;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The athenahealth contract again, with the simulator in strict mode (switched on through its control route):
 * every behaviour the evidence ledger marks as assumed, or on which the public sources disagree, is answered the
 * other plausible way (success as a boolean, ids as numbers, no ids in write answers, encounter vitals ignoring
 * {@code returnvitalids}, readings listed flat, a problem's status on the problem, documents without their class
 * id, other error wording). The suite must still see every write exactly once and never a false VERIFIED; writes
 * may end in review instead, which the contract's own checks allow only where said.
 */
class AthenaStrictContractTest extends AthenaContractTest {
    private final AtomicInteger onsets = new AtomicInteger();

    @Override
    protected Simulator startSimulator(Path workDir) throws Exception {
        Simulator started = super.startSimulator(workDir);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(started.controlUrl() + "/strict?on=true")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(sim.strict()).as("strict through the control route").isTrue();
        return started;
    }

    /**
     * Without ids in athena's write answers every write is found again by its content, so the contract's
     * conditions get distinct onsets here (as distinct clinical content would have): identical ones are the
     * subject of {@link #conditions_identical_in_athenas_read_land_once_each_and_the_one_that_cannot_be_told_apart_waits_in_review}.
     */
    @Override
    protected void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("condition")) {
            ((ObjectNode) event.get("payload")).put("onset",
                    LocalDate.of(2025, 1, 1).plusDays(onsets.incrementAndGet()).toString());
        }
    }

    @Test
    void conditions_identical_in_athenas_read_land_once_each_and_the_one_that_cannot_be_told_apart_waits_in_review() {
        ObjectNode first = fresh("condition");
        ((ObjectNode) first.get("payload")).put("onset", "2024-02-29");
        ObjectNode second = first.deepCopy();
        // Another event to the gateway (another note), the same problem in athena's read shape (code, onset).
        ((ObjectNode) second.get("payload")).put("note", "Seen again by another clinician.");
        int before = recordsInEhr("condition");

        JsonNode one = settle(api.submit(first, "strict-identical-1").body().get("id").asText());
        JsonNode two = settle(api.submit(second, "strict-identical-2").body().get("id").asText());

        assertThat(one.at("/operations/0/state").asText()).as("%s", one).isEqualTo("VERIFIED");
        assertThat(two.at("/operations/0/state").asText()).as("%s", two).isEqualTo("NEEDS_REVIEW");
        assertThat(two.at("/operations/0/errorDetail").asText()).contains("several records match");
        assertThat(two.at("/operations/0/sends").asInt()).as("never resent").isEqualTo(1);
        assertThat(recordsInEhr("condition") - before).as("each write stored once, no duplicate").isEqualTo(2);
    }

    private JsonNode settle(String eventId) {
        return api.await(eventId, s -> !s.get("status").asText().equals("in-progress"), Duration.ofSeconds(30));
    }
}
