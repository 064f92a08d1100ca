package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.fhir.SeedData;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter contract against the Veradigm simulator's Unity API (GetToken, GetUserAuthentication, MagicJson save
 * actions, reads in Unity's read shapes), plus Veradigm's lost answers and a fault run: lost answers, resets,
 * rate limits and token expiry end with no duplicate, nothing lost and no false VERIFIED.
 * {@link VeradigmStrictContractTest} runs all of it against the simulator's strict mode.
 */
class VeradigmContractTest extends AdapterContract {
    private static final String MRN_SYSTEM = "urn:example:veradigm:mrn";
    private static final Pattern SAVE_ACTION = Pattern.compile("\"Action\"\\s*:\\s*\"Save",
            Pattern.CASE_INSENSITIVE);
    static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "note", "condition", "problem",
            "allergy", "allergy", "medication-change", "medication", "follow-up-task", "task");
    private static final List<String> ICD10 = List.of("I10", "E11.9", "J45.909", "K21.9", "E78.5", "N39.0",
            "F41.1", "G43.909", "M25.561", "R51.9", "J06.9", "M54.2", "R10.9", "L20.9", "H10.9", "B34.9", "R05.9",
            "K59.00", "G47.00", "R53.83");
    private static final Set<String> REVIEW = Set.of("NEEDS_REVIEW", "CONFLICT");
    /** The fault run's patients: chart id, MRN, open encounter. */
    private static final String[][] FAULT_RUN = {
            {VeradigmSeed.PATIENT_MARIA, SeedData.MRN_MARIA, VeradigmSeed.ENCOUNTER_MARIA_OPEN},
            {VeradigmSeed.PATIENT_MARIO, SeedData.MRN_MARIO, VeradigmSeed.ENCOUNTER_MARIO_OPEN},
            {VeradigmSeed.PATIENT_JAMES, SeedData.MRN_JAMES, VeradigmSeed.ENCOUNTER_JAMES_OPEN}};
    private static final Set<String> ENDED = Set.of("VERIFIED", "MODIFIED", "NEEDS_REVIEW", "CONFLICT", "REJECTED",
            "DEAD");
    protected VeradigmSimulator sim;
    private Path passwordFile;
    private Path userPasswordFile;

    /** Whether the simulator answers assumed behaviours the second way. */
    protected boolean strict() {
        return false;
    }

    @Override
    protected Simulator startSimulator(Path workDir) throws Exception {
        sim = VeradigmSimulator.builder().strict(strict()).start();
        passwordFile = workDir.resolve("unity-password");
        writeFile(passwordFile, VeradigmSeed.UNITY_PASSWORD);
        userPasswordFile = workDir.resolve("unity-user-password");
        writeFile(userPasswordFile, VeradigmSeed.APP_USER_PASSWORD);
        return sim;
    }

    @Override
    protected String statusSetInEhr() {
        return "Resolved";
    }

    /** Every Unity call is a POST: writes are the Save actions. */
    @Override
    protected boolean writesToChart(RecordedRequest request) {
        return SAVE_ACTION.matcher(request.bodyText()).find();
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return connection(2_000L);
    }

    /**
     * The fault run's own tenant: read timeout 1 s, since each answer the run loses costs the gateway this long
     * (the simulator holds lost answers 4 s, longer than either timeout).
     */
    @Override
    protected GatewayConfig.ConnectionConfig faultConnection() {
        return connection(1_000L);
    }

    private GatewayConfig.ConnectionConfig connection(long readTimeoutMs) {
        return new GatewayConfig.ConnectionConfig(TARGET, "veradigm", sim.unityUrl(), null, null, null, null,
                VeradigmSeed.UNITY_USERNAME, null, passwordFile.toString(), null,
                Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER,
                        "appUserPasswordFile", userPasswordFile.toString(), "mrnSystem", MRN_SYSTEM,
                        "provider.1245319599", "sokafor"),
                null, 4, readTimeoutMs);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("condition", "vitals", "note", "allergy", "medication-change", "follow-up-task");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", MRN_SYSTEM).put("value", "1001");
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", "urn:example:veradigm:encounter")
                .put("value", VeradigmSeed.ENCOUNTER_MARIA_OPEN);
    }

    @Override
    protected void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
        }
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return sim.records(KIND.get(eventType), VeradigmSeed.PATIENT_MARIA).size();
    }

    /** A problem's lost answer is found in the clinical summary by its read columns, never resent. */
    @Test
    void a_condition_whose_answer_is_lost_is_found_in_the_read_shape_and_lands_once() throws Exception {
        ObjectNode lost = distinct("condition", 91);
        int before = recordsInEhr("condition");
        sim.loseSaveAnswers(1.0, 4_000);
        String id = api.submit(lost, "veradigm-lost-condition").body().get("id").asText();
        awaitRecordHolding("condition", marker("condition", 91));
        sim.loseSaveAnswers(0, 0);

        JsonNode status = api.await(id, VeradigmContractTest::everyOperationEnded, Duration.ofSeconds(60));
        JsonNode op = status.get("operations").get(0);
        assertThat(op.get("state").asText()).as("%s", status).isEqualTo("VERIFIED");
        assertThat(op.get("sends").asInt()).as("never resent").isEqualTo(1);
        assertThat(op.get("attempts").findValuesAsText("outcome")).contains("unknown", "found", "verified");
        assertThat(recordsInEhr("condition") - before).isEqualTo(1);
    }

    /** Unity lists notes without their text: a lost note's answer cannot be told from an earlier note, so review. */
    @Test
    void a_note_whose_answer_is_lost_goes_to_review_with_its_reason_and_is_never_resent() throws Exception {
        ObjectNode lost = distinct("note", 90);
        int before = recordsInEhr("note");
        sim.loseSaveAnswers(1.0, 4_000);
        String id = api.submit(lost, "veradigm-lost-note").body().get("id").asText();
        if (!strict()) {
            awaitRecordHolding("note", marker("note", 90));
        }
        sim.loseSaveAnswers(0, 0);

        JsonNode status = api.await(id, VeradigmContractTest::everyOperationEnded, Duration.ofSeconds(60));
        JsonNode op = status.get("operations").get(0);
        assertThat(REVIEW).as("%s", status).contains(op.get("state").asText());
        assertThat(op.get("errorDetail").asText()).isNotBlank();
        assertThat(op.get("sends").asInt()).as("never resent").isLessThanOrEqualTo(1);
        assertThat(recordsInEhr("note") - before).isLessThanOrEqualTo(1);
    }

    /**
     * Three events of each type under lost answers (a quarter of the saves, and any call at random), resets before and after commit, 429s
     * and an expiry of every token half-way: no record twice, none missing without a review naming why, and every
     * VERIFIED write names a record that holds the event's own content. The events go to three patients in turn
     * (each patient's writes reach the EHR one at a time, so three lines keep the run's lost answers side by side).
     */
    @Test
    void under_lost_answers_resets_rate_limits_and_token_expiry_nothing_is_duplicated_lost_or_falsely_verified()
            throws Exception {
        List<String> types = supportedTypes();
        Map<String, Integer> before = new java.util.HashMap<>();
        types.forEach(t -> before.put(t, faultRunRecords(t)));
        sim.faults().seed(12).commitThenTimeout(0.15, 4_000).resetBeforeCommit(0.05, false).commitThenReset(0.05)
                .tooManyRequestsRate(0.05, 1, false);
        sim.loseSaveAnswers(0.25, 4_000);
        List<String[]> sent = new ArrayList<>();
        List<JsonNode> settled = new ArrayList<>();
        try {
            submitUnderFaults(types, sent, settled);
        } finally {
            sim.faults().clear();
            sim.loseSaveAnswers(0, 0);
        }

        Set<String> named = new HashSet<>();
        int inReview = 0;
        for (int i = 0; i < sent.size(); i++) {
            String type = sent.get(i)[0];
            String marker = sent.get(i)[2];
            for (JsonNode op : settled.get(i).get("operations")) {
                String state = op.get("state").asText();
                if (REVIEW.contains(state)) {
                    inReview++;
                    assertThat(op.get("errorDetail").asText()).as("review of %s says why", type).isNotBlank();
                    continue;
                }
                assertThat(state).as("%s %s", type, op).isEqualTo("VERIFIED");
                String remote = op.get("remoteId").asText();
                assertThat(named.add(type + "/" + remote)).as("one record per write: %s", remote).isTrue();
                ChartStore.Entry record = sim.records(KIND.get(type), FAULT_RUN[i % FAULT_RUN.length][0]).stream()
                        .filter(r -> r.id().equals(remote)).findFirst().orElse(null);
                assertThat(record).as("the record a VERIFIED %s names exists", type).isNotNull();
                assertThat(record.fields().values()).as("it holds the event's own content").anySatisfy(
                        v -> assertThat(v).contains(marker));
            }
        }
        int created = 0;
        for (String t : types) {
            created += faultRunRecords(t) - before.get(t);
        }
        assertThat(created - named.size()).as("records no VERIFIED write names, at most one per review (%d)",
                inReview).isBetween(0, inReview);
        assertThat(named.size() + inReview).as("every write VERIFIED or in review").isEqualTo(sent.size()
                + 3 /* a vitals event is two writes */);
        if (strict()) {
            assertThat(inReview).as("strict answers send writes to review").isPositive();
        }
    }

    private void submitUnderFaults(List<String> types, List<String[]> sent, List<JsonNode> settled) {
        for (int n = 0; n < 3 * types.size(); n++) {
            String type = types.get(n % types.size());
            ObjectNode event = forPatient(distinct(type, n), FAULT_RUN[n % FAULT_RUN.length]);
            ApiClient.Answer a = faultApi.submit(event, "veradigm-faults-" + strict() + "-" + n);
            assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
            String id = a.body().get("id").asText();
            if (type.equals("medication-change")) {
                assertThat(faultApi.approve(id).status()).isEqualTo(200);
            }
            sent.add(new String[] {type, id, marker(type, n)});
            if (n == types.size()) {
                sim.expireTokensNow();
            }
        }
        for (String[] s : sent) {
            settled.add(faultApi.await(s[1], VeradigmContractTest::everyOperationEnded, Duration.ofSeconds(120)));
        }
    }

    /** {@code event} for the fault run's patient {@code patient} (its chart id, MRN and open encounter). */
    private static ObjectNode forPatient(ObjectNode event, String[] patient) {
        ((ObjectNode) event.at("/patient/identifiers/0")).put("value", patient[1]);
        if (event.has("encounter")) {
            ((ObjectNode) event.at("/encounter/identifier")).put("value", patient[2]);
        }
        return event;
    }

    /** How many records of this event type the EHR holds for the fault run's three patients. */
    private int faultRunRecords(String eventType) {
        int n = 0;
        for (String[] patient : FAULT_RUN) {
            n += sim.records(KIND.get(eventType), patient[0]).size();
        }
        return n;
    }

    /** Whether every operation of the event is terminal or waits in review (no retry or check pending). */
    static boolean everyOperationEnded(JsonNode event) {
        for (JsonNode op : event.get("operations")) {
            if (!ENDED.contains(op.get("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The example of {@code type} with content of its own (number {@code n}), for Maria. */
    protected ObjectNode distinct(String type, int n) {
        ObjectNode e = event(type);
        // a time of its own too, so that no two events of the suite (normal or strict) are alike at intake
        e.put("occurredAt", Instant.now().minusSeconds(60L + 2L * n + (strict() ? 300 : 0))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        ObjectNode p = e.with("payload");
        String marker = marker(type, n);
        switch (type) {
            case "condition" -> p.with("code").put("system", "http://hl7.org/fhir/sid/icd-10-cm").put("code", marker)
                    .put("display", "Condition " + marker + (strict() ? " (strict run)" : ""));
            case "vitals" -> {
                p.withArray("measurements").forEach(m -> {
                    if (m.has("systolic")) {
                        ((ObjectNode) m).put("systolic", Integer.parseInt(marker));
                    } else {
                        ((ObjectNode) m).put("value", Integer.parseInt(marker));
                    }
                });
            }
            case "note" -> p.put("text", "Assessment " + marker + ": stable.");
            case "allergy" -> p.with("substance").put("code", Integer.toString(80000 + run(n)))
                    .put("display", "Allergen " + marker);
            case "medication-change" -> p.with("medication").put("code", Integer.toString(90000 + run(n)))
                    .put("display", "Medication " + marker);
            default -> p.put("description", "Recheck " + marker);
        }
        return e;
    }

    private int run(int n) {
        return n + (strict() ? 500 : 0);
    }

    /** Content of event {@code n}: distinct per event and per class (the two classes share one database). */
    private String marker(String type, int n) {
        int run = strict() ? 50 : 0;
        return switch (type) {
            case "condition" -> ICD10.get((n + (strict() ? 10 : 0)) % ICD10.size());
            case "vitals" -> Integer.toString(100 + run + n);
            default -> (strict() ? "S" : "N") + (1000 + n);
        };
    }

    /**
     * Waits until the EHR holds a record of {@code type} carrying {@code marker}: the save of this very event was
     * taken (a count would also rise for another test's late write, and the loss would be lifted too early).
     */
    private void awaitRecordHolding(String type, String marker) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!holds(type, marker)) {
            assertThat(Instant.now()).as("a %s carrying %s reached the EHR", type, marker).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    private boolean holds(String type, String marker) {
        return sim.records(KIND.get(type), VeradigmSeed.PATIENT_MARIA).stream()
                .anyMatch(r -> r.fields().values().stream().anyMatch(v -> v.contains(marker)));
    }
}
