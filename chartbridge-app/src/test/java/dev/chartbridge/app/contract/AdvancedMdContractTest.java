package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter contract against the AdvancedMD simulator (XML-RPC session login, template notes by visit, ICD-10
 * problems), and the same gateway against the simulator's strict mode, where every behaviour the evidence ledger
 * marks assumed is answered another way: no duplicate, no false VERIFIED. The simulator's clock is moved to a Sunday
 * (off-peak) and the gateway told a contracted 60 calls per class and minute, so the run behaves alike at any hour
 * and stays inside every class's cap (no billed overrun).
 */
class AdvancedMdContractTest extends AdapterContract {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private static final Pattern WRITE_ACTION = Pattern.compile("action=\"(add|update|upload|save)",
            Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> KIND = Map.of("note", "patientnote", "condition", "problem");
    private static final Set<String> SETTLED = Set.of("VERIFIED", "MODIFIED", "NEEDS_REVIEW", "REJECTED", "DEAD");
    private AdvancedMdSimulator sim;
    private AdvancedMdSimulator otherPractice;
    private final MovableClock otherPracticeClock = new MovableClock(sunday());
    private Path passwordFile;

    @Override
    protected Simulator startSimulator(Path workDir) throws Exception {
        sim = AdvancedMdSimulator.builder().clock(sunday()).start();
        otherPractice = AdvancedMdSimulator.builder().clock(otherPracticeClock).start();
        passwordFile = workDir.resolve("advancedmd-password");
        writeFile(passwordFile, AdvancedMdSeed.PASSWORD);
        return sim;
    }

    @Override
    protected void stopSimulator() {
        super.stopSimulator();
        otherPractice.close();
    }

    @Override
    protected String statusSetInEhr() {
        return "Resolved";
    }

    /**
     * A status change and a deletion, no amendment: AdvancedMD's 12 calls a minute leave read-back 3 re-reads a
     * minute, one every 20 s, and each change here costs one. An amendment is found by the same content digest
     * as on athenahealth and Veradigm.
     */
    @Override
    protected List<String> readBackChanges() {
        return List.of(STATUS_CHANGED, DELETED);
    }

    /** Every XML-RPC call is a POST: writes are the add, upload and save actions. */
    @Override
    protected boolean writesToChart(RecordedRequest request) {
        return WRITE_ACTION.matcher(request.bodyText()).find();
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return connection(sim);
    }

    /**
     * The read-back check's tenant is another practice, on a simulator of its own: AdvancedMD's quota is per office
     * key, and two tenants on one key would use up each other's calls (the gateway budgets per connection).
     */
    @Override
    protected GatewayConfig.ConnectionConfig readBackConnection() {
        return connection(otherPractice);
    }

    /**
     * Asked for once the read-back check's writes are verified and before its watching node starts: a minute passes
     * on that practice's clock, as between writing and a later watcher. The watching node logs in with the same
     * account, and AdvancedMD allows one login per account and minute (the main node's login is seconds old).
     */
    @Override
    protected Simulator readBackSimulator() {
        otherPracticeClock.move(Duration.ofSeconds(61));
        return otherPractice;
    }

    /** A clock that can be moved forward, for the read-back practice's simulator. */
    private static final class MovableClock extends Clock {
        private final Clock base;
        private final java.util.concurrent.atomic.AtomicReference<Duration> moved;

        MovableClock(Clock base) {
            this(base, new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO));
        }

        private MovableClock(Clock base, java.util.concurrent.atomic.AtomicReference<Duration> moved) {
            this.base = base;
            this.moved = moved;
        }

        void move(Duration by) {
            moved.updateAndGet(d -> d.plus(by));
        }

        @Override
        public java.time.ZoneId getZone() {
            return base.getZone();
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return new MovableClock(base.withZone(zone), moved);
        }

        @Override
        public Instant instant() {
            return base.instant().plus(moved.get());
        }
    }

    private GatewayConfig.ConnectionConfig connection(AdvancedMdSimulator practice) {
        return new GatewayConfig.ConnectionConfig(TARGET, "advancedmd", practice.partnerLoginUrl(), null, null, null,
                null,
                AdvancedMdSeed.USERNAME, null, passwordFile.toString(), AdvancedMdSeed.OFFICE_KEY,
                Map.of("appName", AdvancedMdSeed.APP_NAME, "requestsPerMinute", "60", "mrnSystem", CHART_SYSTEM,
                        "timeZone", AdvancedMdSeed.TIME_ZONE, "noteTemplateId", AdvancedMdSeed.NOTE_TEMPLATE_ID,
                        "noteTextField", AdvancedMdSeed.NOTE_FIELD_TEXT,
                        "noteTitleField", AdvancedMdSeed.NOTE_FIELD_TITLE),
                // Read timeout 2 s: each answer the fault run loses costs this long (it holds them 6 s).
                null, 4, 2_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("note", "condition");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", CHART_SYSTEM).put("value", "1001");
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", "urn:example:advancedmd:visit")
                .put("value", AdvancedMdSeed.VISIT_MARIA_OPEN);
    }

    @Override
    protected void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
            event.with("payload").putObject("code").put("system", "http://hl7.org/fhir/sid/icd-10-cm")
                    .put("code", "I10").put("display", "Essential (primary) hypertension");
        }
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return sim.records(KIND.get(eventType), AdvancedMdSeed.PATIENT_MARIA).size();
    }

    @Test
    void a_note_whose_answer_is_lost_is_reconciled_by_content_and_lands_once() throws Exception {
        aLostNoteIsReconciledAndLandsOnce(sim.faults(), "amd");
        assertThat(sim.billedOverruns()).isZero();
    }

    /**
     * Strict mode: the write answers carry the id another way, the problem list and the visit rows come in another
     * shape. A note is found again by its content in the note read the sources show, so it may be VERIFIED, and then
     * it is on the chart exactly once with that content; a condition cannot be found or verified in an unknown shape
     * and goes to review after one send; nothing is written twice.
     */
    @Test
    void under_strict_answers_nothing_is_duplicated_and_nothing_is_falsely_verified() {
        sim.strict(true);
        try {
            ObjectNode byVisit = event("note");
            byVisit.with("payload").put("text", "Strict: note in a visit.");
            ObjectNode byPatient = event("note");
            byPatient.remove("encounter");
            byPatient.with("payload").put("text", "Strict: note without a visit.");
            ObjectNode condition = event("condition");
            condition.with("payload").with("code").put("code", "J45.909").put("display", "Asthma");
            Map<String, ObjectNode> events = Map.of("strict-visit", byVisit, "strict-patient", byPatient,
                    "strict-condition", condition);
            for (Map.Entry<String, ObjectNode> e : events.entrySet()) {
                ApiClient.Answer accepted = api.submit(e.getValue(), e.getKey());
                assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
                JsonNode status = api.await(accepted.body().get("id").asText(), s -> settled(s),
                        Duration.ofSeconds(30));
                JsonNode op = status.get("operations").get(0);
                String state = op.get("state").asText();
                long held = e.getKey().equals("strict-condition")
                        ? sim.records("problem", AdvancedMdSeed.PATIENT_MARIA).stream()
                                .filter(r -> "J45.909".equals(r.fields().get("code"))).count()
                        : sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA).stream()
                                .filter(r -> e.getValue().at("/payload/text").asText()
                                        .equals(r.fields().get(AdvancedMdSeed.NOTE_FIELD_TEXT))).count();
                assertThat(held).as("%s: never written twice (%s)", e.getKey(), status).isLessThanOrEqualTo(1);
                assertThat(op.get("sends").asInt()).as(e.getKey()).isLessThanOrEqualTo(1);
                if (state.equals("VERIFIED")) {
                    assertThat(held).as("%s: verified means on the chart", e.getKey()).isEqualTo(1);
                }
                if (e.getKey().equals("strict-condition")) {
                    assertThat(state).as("%s", status).isEqualTo("NEEDS_REVIEW");
                }
            }
            assertThat(sim.billedOverruns()).isZero();
        } finally {
            sim.strict(false);
        }
    }

    /**
     * Lost answers (after AdvancedMD stored the write), resets, 503s and 429s on a burst of notes and problems: each
     * ends VERIFIED with its record on the chart exactly once, or in review with at most one; none is written twice,
     * given up (DEAD) or rejected, and no call is billed as an overrun.
     */
    @Test
    void under_lost_answers_resets_503_and_429_each_write_lands_once_or_waits_in_review() {
        ObjectNode warmUp = event("note");
        warmUp.with("payload").put("text", "Fault run warm-up: session and patient known before the faults.");
        ApiClient.Answer warmed = api.submit(warmUp, "faults-warm-up");
        assertThat(warmed.status()).as("%s", warmed.body()).isEqualTo(202);
        String warm = warmed.body().get("id").asText();
        api.await(warm, AdvancedMdContractTest::settled, Duration.ofSeconds(30));
        Map<String, ObjectNode> events = new java.util.LinkedHashMap<>();
        List<String> codes = List.of("E11.9", "K21.9", "M54.5", "N39.0");
        for (int i = 0; i < 6; i++) {
            ObjectNode note = event("note");
            note.with("payload").put("text", "Fault run note " + i + ": plan unchanged.");
            events.put("faults-note-" + i, note);
        }
        for (int i = 0; i < codes.size(); i++) {
            ObjectNode condition = event("condition");
            condition.with("payload").with("code").put("code", codes.get(i)).put("display", "Fault run " + i);
            events.put("faults-condition-" + i, condition);
        }
        long lostBefore = lostAfterCommit();
        sim.faults().seed(12).commitThenTimeout(0.2, 6_000).commitThenReset(0.1).errorRate(0.1, 503, null, true)
                .tooManyRequestsRate(0.1, 1, true);
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        try {
            events.forEach((key, e) -> {
                ApiClient.Answer accepted = api.submit(e, key);
                assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
                ids.put(key, accepted.body().get("id").asText());
            });
            Map<String, JsonNode> settled = new java.util.LinkedHashMap<>();
            ids.forEach((key, id) -> settled.put(key, api.await(id, AdvancedMdContractTest::settled,
                    Duration.ofSeconds(120))));
            sim.faults().clear();
            settled.forEach((key, status) -> {
                JsonNode op = status.get("operations").get(0);
                List<String> held = held(key, events.get(key));
                assertThat(held).as("%s written at most once: %s", key, status).hasSizeLessThanOrEqualTo(1);
                assertThat(op.get("state").asText()).as("%s", status).isIn("VERIFIED", "NEEDS_REVIEW");
                if (op.get("state").asText().equals("VERIFIED")) {
                    assertThat(held).as("%s verified means on the chart: %s", key, status)
                            .containsExactly(op.get("remoteId").asText());
                }
            });
            assertThat(lostAfterCommit() - lostBefore).as("answers lost after AdvancedMD stored").isPositive();
            assertThat(sim.billedOverruns()).isZero();
        } finally {
            sim.faults().clear();
        }
    }

    private long lostAfterCommit() {
        return sim.stats().faults(FaultKind.COMMIT_THEN_TIMEOUT) + sim.stats().faults(FaultKind.COMMIT_THEN_RESET);
    }

    /** The ids of the chart records holding this event's content (its note text, or its problem code). */
    private List<String> held(String key, ObjectNode event) {
        if (key.contains("condition")) {
            String code = event.at("/payload/code/code").asText();
            return sim.records("problem", AdvancedMdSeed.PATIENT_MARIA).stream()
                    .filter(r -> code.equals(r.fields().get("code"))).map(r -> r.id()).toList();
        }
        String text = event.at("/payload/text").asText();
        return sim.records("patientnote", AdvancedMdSeed.PATIENT_MARIA).stream()
                .filter(r -> text.equals(r.fields().get(AdvancedMdSeed.NOTE_FIELD_TEXT))).map(r -> r.id()).toList();
    }

    private static boolean settled(JsonNode status) {
        return StreamSupport.stream(status.get("operations").spliterator(), false)
                .allMatch(op -> SETTLED.contains(op.get("state").asText()));
    }

    private static Clock sunday() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime evening = now.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY)).withHour(18).withMinute(0);
        return Clock.offset(Clock.systemUTC(), Duration.between(now, evening));
    }
}
