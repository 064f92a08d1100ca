package dev.chartbridge.ehr.ecw;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.testing.GatewayIdentity;
import dev.chartbridge.ehr.testing.Golden;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.ecw.EcwSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.chartbridge.ehr.ecw.EcwTesting.MARIA;
import static org.assertj.core.api.Assertions.assertThat;

/** The eClinicalWorks adapter against the eCW simulator over HTTP: what reaches the practice, how eCW answers read. */
class EcwAdapterTest {
    @RegisterExtension
    static final EcwSimulatorExtension ECW = new EcwSimulatorExtension();
    static GatewayIdentity gateway;

    @BeforeAll
    static void register() {
        gateway = new GatewayIdentity();
        ECW.simulator().registerClient(EcwTesting.CLIENT, gateway.jwksUrl().toString(), EcwTesting.ALLOWED);
    }

    @AfterAll
    static void close() {
        gateway.close();
    }

    private static EcwAdapter adapter() {
        return new EcwAdapter(EcwTesting.connection(ECW.simulator(), Duration.ofSeconds(5)), gateway.env());
    }

    @Test
    void every_supported_type_reaches_the_practice_exactly_as_the_golden_file_says() {
        EcwAdapter adapter = adapter();
        for (String type : List.of("vitals", "condition", "allergy", "medication-change")) {
            ECW.simulator().stats().journal().clear();
            ClinicalEvent event = MARIA.event(type);
            WriteContext w = Writes.write(event, 0, "golden-" + type);
            SendOutcome sent = adapter.send(w);
            assertThat(sent).as(type).isInstanceOf(SendOutcome.Created.class);
            assertThat(adapter.verify(Writes.at(w, ((SendOutcome.Created) sent).ref())))
                    .as(type).isInstanceOf(VerifyOutcome.Verified.class);
            List<RecordedRequest> creates = ECW.simulator().stats().journal().all().stream()
                    .filter(r -> r.method().equals("POST")).toList();
            assertThat(creates).hasSize(1);
            assertThat(creates.get(0).pathAndQuery()).startsWith("/fhir/r4/" + EcwSeed.PRACTICE_CODE + "/");
            Golden.assertMatches("eclinicalworks", type, creates);
        }
    }

    @Test
    void a_locked_encounter_is_rejected_as_a_conflict_keeping_ecws_code() {
        Writes locked = new Writes(EcwSeed.ACCOUNT_SYSTEM, EcwSeed.ACCOUNT_MARIA, EcwSeed.ENCOUNTER_SYSTEM, "5002");
        SendOutcome sent = adapter().send(Writes.write(locked.event("condition"), 0, "locked"));
        assertThat(sent).isInstanceOf(SendOutcome.Rejected.class);
        var error = ((SendOutcome.Rejected) sent).error();
        assertThat(error.errorClass()).isEqualTo(ErrorClass.CONFLICT);
        assertThat(error.vendorCode()).isEqualTo("139");
        assertThat(error.message()).startsWith("ENCOUNTER_IS_LOCKED");
        assertThat(ECW.simulator().resources("Condition")).isEmpty();
    }

    @Test
    void a_missing_writeback_user_is_a_configuration_refusal_not_an_unknown_outcome() {
        ECW.simulator().writebackUserConfigured(false);
        SendOutcome sent = adapter().send(Writes.write(MARIA.event("allergy"), 0, "no-writeback-user"));
        assertThat(sent).isInstanceOf(SendOutcome.Rejected.class);
        var error = ((SendOutcome.Rejected) sent).error();
        assertThat(error.vendorCode()).isEqualTo("308");
        assertThat(error.errorClass()).isEqualTo(ErrorClass.FORBIDDEN);
        assertThat(error.message()).contains("writeback user");
        assertThat(((SendOutcome.Rejected) sent).exchange().httpStatus()).isEqualTo(500);
    }

    @Test
    void a_write_not_enabled_for_the_practice_is_forbidden() {
        ECW.simulator().disableWrite("MedicationRequest");
        SendOutcome sent = adapter().send(Writes.write(MARIA.event("medication-change"), 0, "not-enabled"));
        var error = ((SendOutcome.Rejected) sent).error();
        assertThat(error.errorClass()).isEqualTo(ErrorClass.FORBIDDEN);
        assertThat(error.vendorCode()).isEqualTo("2");
    }

    @Test
    void a_429_is_retried_after_the_minute_turns() {
        ECW.simulator().faults().tooManyRequestsRate(1.0, null, true);
        SendOutcome sent = adapter().send(Writes.write(MARIA.event("condition"), 0, "throttled"));
        ECW.simulator().faults().clear();
        assertThat(sent).isInstanceOf(SendOutcome.Retryable.class);
        SendOutcome.Retryable retry = (SendOutcome.Retryable) sent;
        assertThat(retry.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(retry.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
    }

    @Test
    void a_429_or_503_that_names_a_retry_after_is_retried_after_it() {
        EcwAdapter adapter = adapter();
        ECW.simulator().faults().tooManyRequestsRate(1.0, 3, true);
        SendOutcome throttled = adapter.send(Writes.write(MARIA.event("condition"), 0, "throttled-3"));
        ECW.simulator().faults().clear();
        ECW.simulator().faults().errorRate(1.0, 503, 2, true);
        SendOutcome busy = adapter.send(Writes.write(MARIA.event("condition"), 0, "busy-2"));
        ECW.simulator().faults().clear();

        assertThat(throttled).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThat(busy).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void commit_then_timeout_is_reconciled_to_exactly_one_record() {
        EcwSimulator sim = ECW.simulator();
        EcwAdapter adapter = new EcwAdapter(EcwTesting.connection(sim, Duration.ofMillis(700)), gateway.env());
        WriteContext w = Writes.write(MARIA.event("medication-change"), 0, "lost-medication");
        assertThat(adapter.find(w)).isInstanceOf(FindOutcome.Absent.class); // token and lookups, before the fault
        sim.faults().commitThenTimeout(1.0, 2_000);
        assertThat(adapter.send(w)).isInstanceOf(SendOutcome.Unknown.class);
        sim.faults().clear();
        FindOutcome found = adapter.find(w);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        assertThat(adapter.verify(Writes.at(w, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(sim.countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, "lost-medication")).isEqualTo(1);
        assertThat(adapter.find(Writes.write(MARIA.event("condition"), 0, "never-sent")))
                .isInstanceOf(FindOutcome.Absent.class);
    }

    @Test
    void the_practice_code_is_part_of_every_fhir_path_whether_configured_in_the_base_url_or_apart() {
        EcwSimulator sim = ECW.simulator();
        var apart = EcwTesting.connection(sim, Duration.ofSeconds(5));
        var inBase = new dev.chartbridge.ehr.Connection("ehr", "eclinicalworks", sim.baseUrl(), sim.tokenUrl(),
                EcwTesting.CLIENT, null, null, null, null, java.util.Map.of(), EcwTesting.SUPPORTED, 4,
                Duration.ofSeconds(5));
        assertThat(EcwAdapter.practiceBaseUrl(apart)).isEqualTo(sim.baseUrl());
        assertThat(EcwAdapter.practiceBaseUrl(inBase)).isEqualTo(sim.baseUrl());
    }

    @Test
    void an_event_naming_another_patients_encounter_is_never_written() {
        // Maria's account with the visit of Mario, the confusable patient: it is not among Maria's encounters
        Writes wrongVisit = new Writes(EcwSeed.ACCOUNT_SYSTEM, EcwSeed.ACCOUNT_MARIA, EcwSeed.ENCOUNTER_SYSTEM, "5003");
        SendOutcome sent = adapter().send(Writes.write(wrongVisit.event("condition"), 0, "wrong-visit"));
        assertThat(sent).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().vendorCode()).isEqualTo("not-found");
            assertThat(r.error().message()).contains("encounter of this patient");
        });
        assertThat(ECW.simulator().stats().journal().all()).noneMatch(r -> r.method().equals("POST"));
        assertThat(ECW.simulator().resources("Condition")).isEmpty();
    }

    @Test
    void searches_use_only_the_parameters_ecws_capability_statement_declares() {
        EcwAdapter adapter = adapter();
        WriteContext w = Writes.write(MARIA.event("vitals"), 0, "declared");
        SendOutcome.Created created = (SendOutcome.Created) adapter.send(w);
        FindOutcome found = adapter.find(w);

        assertThat(found).isInstanceOfSatisfying(FindOutcome.Found.class,
                f -> assertThat(f.ref().id()).isEqualTo(created.ref().id()));
        List<String> searches = ECW.simulator().stats().journal().all().stream()
                .filter(r -> r.method().equals("GET") && r.pathAndQuery().contains("?"))
                .map(RecordedRequest::pathAndQuery).toList();
        assertThat(searches).isNotEmpty().allSatisfy(q -> {
            assertThat(q).doesNotContain("_count");
            if (!q.contains("/Patient?") && !q.contains("/Observation?")) {
                assertThat(q).as("eCW declares identifier only on Patient and Observation")
                        .doesNotContain("identifier=");
            }
        });
    }

    /** Every request this test's adapter made is an endpoint the evidence ledger names ({@code docs/evidence}). */
    @org.junit.jupiter.api.AfterEach
    void every_request_is_evidenced() {
        assertThat(dev.chartbridge.core.testing.EvidenceLedger.load().unevidenced("eclinicalworks", ECW.simulator().stats()
                .journal().all().stream().map(r -> r.method() + " " + r.pathAndQuery()).toList()))
                .as("requests no endpoint entry of docs/evidence/%s.yaml covers", "eclinicalworks").isEmpty();
    }
}
