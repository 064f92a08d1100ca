package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.vendorkit.ChartStore;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * athena's part of the fault promise, run by {@link AthenaContractTest} in normal and strict mode: conditions and
 * notes of distinct content sent while the simulator loses answers after storing, resets connections before and
 * after storing, answers 503 and 429, and every token expires halfway. Checked against the simulator's own store:
 * every VERIFIED write is there once as the record it names (no false VERIFIED, none lost), no content is stored
 * twice (no duplicate), and whatever did not verify waits in review with a reason (never rejected or dead).
 */
final class AthenaFaultsContract {
    private static final int EACH = 8;

    private AthenaFaultsContract() {
    }

    /** One event and how to find its content in the simulator's store. */
    private record Sent(String id, String kind, Function<ChartStore.Entry, Boolean> holds) {
    }

    static void run(ApiClient api, AthenaSimulator sim, Function<String, ObjectNode> event, String prefix) {
        sim.faults().seed(prefix.hashCode()).commitThenTimeout(0.10, 2_300).commitThenReset(0.10)
                .resetBeforeCommit(0.10, false).errorRate(0.10, 503, null, false).tooManyRequestsRate(0.10, 1, false);
        List<Sent> sent = new ArrayList<>();
        try {
            for (int i = 0; i < EACH; i++) {
                String onset = LocalDate.of(2023, 3, 1).plusDays(i).toString();
                String usOnset = LocalDate.parse(onset).format(java.time.format.DateTimeFormatter.ofPattern("MM/dd/uuuu"));
                ObjectNode condition = event.apply("condition");
                ((ObjectNode) condition.get("payload")).put("onset", onset).put("note", prefix + " fault case " + i);
                sent.add(new Sent(api.submit(condition, prefix + "-condition-" + i).body().get("id").asText(), "problem",
                        e -> usOnset.equals(e.fields().get("startdate"))));
                ObjectNode note = event.apply("note");
                String title = prefix + " fault note " + i;
                ((ObjectNode) note.get("payload")).put("title", title);
                sent.add(new Sent(api.submit(note, prefix + "-note-" + i).body().get("id").asText(), "clinicaldocument",
                        e -> String.valueOf(e.fields().get("internalnote")).endsWith(": " + title)));
                if (i == EACH / 2) {
                    sim.expireTokensNow();
                }
            }
            List<JsonNode> settled = new ArrayList<>();
            for (Sent s : sent) {
                settled.add(api.await(s.id(), st -> !st.get("status").asText().equals("in-progress"),
                        Duration.ofSeconds(90)));
            }
            sim.faults().clear();
            assertThat(sim.stats().faults(FaultKind.COMMIT_THEN_TIMEOUT) + sim.stats().faults(FaultKind.COMMIT_THEN_RESET))
                    .as("answers were lost after athena stored the write").isPositive();
            assertThat(sim.stats().tooManyRequestsIssued()).as("rate limited").isPositive();
            for (int i = 0; i < sent.size(); i++) {
                Sent s = sent.get(i);
                JsonNode op = settled.get(i).at("/operations/0");
                List<ChartStore.Entry> holding = sim.records(s.kind(), AthenaSeed.PATIENT_MARIA).stream()
                        .filter(s.holds()::apply).toList();
                assertThat(holding).as("no duplicate: %s", op).hasSizeLessThanOrEqualTo(1);
                String state = op.get("state").asText();
                assertThat(state).as("%s", op).isNotIn("REJECTED", "DEAD");
                if (state.equals("VERIFIED")) {
                    assertThat(holding).as("VERIFIED and there, not lost: %s", op).hasSize(1);
                    assertThat(op.get("remoteId").asText()).as("the record it names").isEqualTo(holding.get(0).id());
                } else {
                    assertThat(state).as("%s", op).isIn("NEEDS_REVIEW", "MODIFIED", "CONFLICT");
                    assertThat(op.get("errorDetail").asText()).as("in review with a reason").isNotBlank();
                }
            }
        } finally {
            sim.faults().clear();
        }
    }
}
