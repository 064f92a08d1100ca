package dev.chartbridge.ehr.epic;

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
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.epic.EpicSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.chartbridge.ehr.epic.EpicTesting.MARIA;
import static org.assertj.core.api.Assertions.assertThat;

/** The Epic adapter against the Epic simulator over HTTP: what reaches Epic, and how its answers are read. */
class EpicAdapterTest {
    @RegisterExtension
    static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();
    static GatewayIdentity gateway;

    @BeforeAll
    static void register() {
        gateway = new GatewayIdentity();
        EPIC.simulator().registerClient(EpicTesting.CLIENT, gateway.jwksUrl().toString(), EpicTesting.ALLOWED);
    }

    @AfterAll
    static void close() {
        gateway.close();
    }

    private static EpicAdapter adapter() {
        return EpicTesting.adapter(EPIC.simulator(), gateway.env());
    }

    @Test
    void every_supported_type_reaches_epic_exactly_as_the_golden_file_says() {
        EpicAdapter adapter = adapter();
        for (String type : List.of("vitals", "note", "condition", "allergy")) {
            EPIC.simulator().stats().journal().clear();
            ClinicalEvent event = MARIA.event(type);
            int parts = adapter.plan(event).resourceTypes().size();
            for (int part = 0; part < parts; part++) {
                SendOutcome sent = adapter.send(Writes.write(event, part, "golden-" + type + "-" + part));
                assertThat(sent).as(type).isInstanceOf(SendOutcome.Created.class);
            }
            List<RecordedRequest> creates = EPIC.simulator().stats().journal().all().stream()
                    .filter(r -> r.method().equals("POST")).toList();
            assertThat(creates).hasSize(parts);
            Golden.assertMatches("epic", type, creates);
        }
    }

    @Test
    void a_create_answered_201_with_an_empty_body_is_located_by_its_relative_location() {
        EpicAdapter adapter = adapter();
        WriteContext w = Writes.write(MARIA.event("vitals"), 1, "located");
        SendOutcome.Created created = (SendOutcome.Created) adapter.send(w);
        assertThat(created.exchange().httpStatus()).isEqualTo(201);
        assertThat(created.ref().resourceType()).isEqualTo("Observation");
        assertThat(EPIC.simulator().read("Observation/" + created.ref().id())).isPresent();
        assertThat(adapter.verify(Writes.at(w, created.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
    }

    @Test
    void a_403_with_an_empty_body_is_rejected_as_forbidden_and_not_retried() {
        EpicSimulator sim = EPIC.simulator();
        sim.registerClient("no-notes", gateway.jwksUrl().toString(), "system/Patient.rs", "system/Encounter.rs",
                "system/Observation.crs");
        EpicAdapter adapter = new EpicAdapter(EpicTesting.connection(sim, "no-notes", EpicTesting.SUPPORTED,
                Duration.ofSeconds(5)), gateway.env());
        SendOutcome sent = adapter.send(Writes.write(MARIA.event("note"), 0, "forbidden-note"));
        assertThat(sent).isInstanceOf(SendOutcome.Rejected.class);
        SendOutcome.Rejected rejected = (SendOutcome.Rejected) sent;
        assertThat(rejected.error().errorClass()).isEqualTo(ErrorClass.FORBIDDEN);
        assertThat(rejected.error().message()).contains("403 with an empty body");
        assertThat(rejected.exchange().httpStatus()).isEqualTo(403);
        assertThat(sim.stats().journal().matching("POST", "/interconnect-fhir-oauth/api/FHIR/R4/DocumentReference"))
                .hasSize(1);
        assertThat(sim.resources("DocumentReference")).isEmpty();
    }

    @Test
    void epic_numeric_codes_are_kept_as_the_vendor_code() {
        // intake refuses a confirmed condition for Epic; sent anyway, Epic's own answer is 422 with code 59012
        ClinicalEvent confirmed = MARIA.event("condition",
                e -> ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("payload")).put("verificationStatus",
                        "confirmed"));
        assertThat(adapter().plan(confirmed).isRefused()).isTrue();
        SendOutcome.Rejected rejected = (SendOutcome.Rejected) adapter().send(Writes.write(confirmed, 0, "confirmed"));
        assertThat(rejected.error().errorClass()).isEqualTo(ErrorClass.INVALID);
        assertThat(rejected.error().vendorCode()).isEqualTo("59012");
        assertThat(EPIC.simulator().resources("Condition")).isEmpty();
    }

    @Test
    void vitals_for_a_finished_encounter_are_refused_before_anything_is_sent() {
        Writes finished = new Writes(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIA, EpicSeed.CSN_SYSTEM,
                EpicSeed.CSN_MARIA_FINISHED);
        SendOutcome sent = adapter().send(Writes.write(finished.event("vitals"), 0, "closed"));
        assertThat(sent).isInstanceOf(SendOutcome.Rejected.class);
        assertThat(((SendOutcome.Rejected) sent).error().message()).contains("finished, not open")
                .contains(EpicSeed.CSN_SYSTEM).doesNotContain(EpicSeed.CSN_MARIA_FINISHED);
        assertThat(EPIC.simulator().stats().journal().matching("POST", "/")).isEmpty();
    }

    @Test
    void an_ambiguous_patient_goes_to_review_with_the_candidates_and_nothing_is_written() {
        Writes lee = new Writes(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_AMBIGUOUS, EpicSeed.CSN_SYSTEM,
                EpicSeed.CSN_MARIA_OPEN);
        SendOutcome.NeedsReview review = (SendOutcome.NeedsReview) adapter().send(Writes.write(lee.event("allergy"),
                0, "lee"));
        assertThat(review.error().vendorCode()).isEqualTo("ambiguous");
        assertThat(review.error().message()).contains("Patient/" + EpicSeed.PATIENT_LEE_A,
                "Patient/" + EpicSeed.PATIENT_LEE_B);
        assertThat(EPIC.simulator().resources("AllergyIntolerance")).isEmpty();
    }

    @Test
    void an_event_naming_another_patients_encounter_is_never_written() {
        // Maria's MRN with the visit of Mario, the confusable patient: Epic's patient-scoped search finds no such
        // visit of Maria's (its answer carries only the 4101 warning entry)
        Writes wrongVisit = new Writes(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIA, EpicSeed.CSN_SYSTEM,
                EpicSeed.CSN_MARIO_OPEN);
        SendOutcome sent = adapter().send(Writes.write(wrongVisit.event("vitals"), 0, "wrong-visit"));
        assertThat(sent).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().vendorCode()).isEqualTo("not-found");
            assertThat(r.error().message()).contains("encounter of this patient");
        });
        assertThat(EPIC.simulator().stats().journal().matching("POST", "/")).isEmpty();
        assertThat(EPIC.simulator().resources("Observation")).isEmpty();
    }

    @Test
    void every_search_is_one_epic_accepts_and_a_warning_entry_is_never_taken_for_a_record() {
        EpicSimulator sim = EPIC.simulator();
        Writes nobody = new Writes(EpicSeed.MRN_SYSTEM, "9999", EpicSeed.CSN_SYSTEM, EpicSeed.CSN_MARIA_OPEN);
        SendOutcome unknown = adapter().send(Writes.write(nobody.event("note"), 0, "nobody"));
        FindOutcome neverSent = adapter().find(Writes.write(MARIA.event("vitals"), 0, "never-sent"));

        assertThat(unknown).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("not-found"));
        assertThat(neverSent).isInstanceOf(FindOutcome.Absent.class);
        List<RecordedRequest> searches = sim.stats().journal().all().stream()
                .filter(r -> r.method().equals("GET") && r.pathAndQuery().contains("?")).toList();
        assertThat(searches).isNotEmpty().allSatisfy(r -> {
            assertThat(r.header("cache-control")).isEqualTo("no-cache");
            if (!r.pathAndQuery().contains("/Patient?")) {
                assertThat(r.pathAndQuery()).contains("patient=");
            }
            if (r.pathAndQuery().contains("/Observation?")) {
                assertThat(r.pathAndQuery()).containsAnyOf("category=", "code=");
            }
        });
    }

    @Test
    void a_59189_for_a_reading_already_on_the_chart_completes_the_write_with_that_reading() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = adapter();
        ClinicalEvent vitals = MARIA.event("vitals");
        // the same reading filed before without the gateway's identifier (e.g. by a device interface)
        sim.faults().dropFields("Observation", "identifier");
        SendOutcome.Created filed = (SendOutcome.Created) adapter.send(Writes.write(vitals, 0, "filed-elsewhere"));
        sim.faults().clear();
        WriteContext w = Writes.write(vitals, 0, "repeated");

        SendOutcome sent = adapter.send(w);

        assertThat(sent).isInstanceOfSatisfying(SendOutcome.Created.class, c -> {
            assertThat(c.ref().id()).isEqualTo(filed.ref().id());
            assertThat(c.exchange().httpStatus()).isEqualTo(422);
        });
        assertThat(adapter.verify(Writes.at(w, ((SendOutcome.Created) sent).ref())))
                .as("Epic is not documented to keep the gateway's identifier: not a modification")
                .isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(sim.resources("Observation")).hasSize(1);
    }

    @Test
    void a_59141_for_an_allergy_already_on_the_chart_completes_the_write_once_it_is_readable() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = adapter();
        ClinicalEvent allergy = MARIA.event("allergy");
        sim.faults().dropFields("AllergyIntolerance", "identifier");
        SendOutcome.Created filed = (SendOutcome.Created) adapter.send(Writes.write(allergy, 0, "allergy-elsewhere"));
        sim.faults().clear();
        WriteContext w = Writes.write(allergy, 0, "allergy-again");

        SendOutcome whileHeld = adapter.send(w);
        sim.releaseHoldingTank();
        SendOutcome released = adapter.send(w);

        assertThat(whileHeld).as("it may sit in the holding tank: not known yet")
                .isInstanceOfSatisfying(SendOutcome.Unknown.class,
                        u -> assertThat(u.exchange().httpStatus()).isEqualTo(422));
        assertThat(released).isInstanceOfSatisfying(SendOutcome.Created.class,
                c -> assertThat(c.ref().id()).isEqualTo(filed.ref().id()));
        assertThat(sim.resources("AllergyIntolerance")).hasSize(1);
    }

    @Test
    void a_59189_with_nothing_on_the_chart_is_a_refusal() {
        Writes finished = new Writes(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIA, EpicSeed.CSN_SYSTEM,
                EpicSeed.CSN_MARIA_OPEN);
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = adapter();
        WriteContext w = Writes.write(finished.event("vitals"), 0, "closed-later");
        adapter.find(w); // the encounter is seen open and cached
        sim.chart().setStatus("Encounter/" + EpicSeed.ENCOUNTER_MARIA_OPEN, "finished");

        SendOutcome sent = adapter.send(w);

        assertThat(sent).isInstanceOfSatisfying(SendOutcome.Rejected.class,
                r -> assertThat(r.error().vendorCode()).isEqualTo("59189"));
        assertThat(sim.resources("Observation")).isEmpty();
    }

    @Test
    void commit_then_timeout_is_reconciled_by_identifier_to_exactly_one_record() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = new EpicAdapter(EpicTesting.connection(sim, EpicTesting.CLIENT, EpicTesting.SUPPORTED,
                Duration.ofMillis(700)), gateway.env());
        WriteContext w = Writes.write(MARIA.event("note"), 0, "lost-note");
        assertThat(adapter.find(w)).isInstanceOf(FindOutcome.Absent.class); // token and lookups, before the fault
        sim.faults().commitThenTimeout(1.0, 2_000);
        assertThat(adapter.send(w)).isInstanceOf(SendOutcome.Unknown.class);
        sim.faults().clear();
        FindOutcome found = adapter.find(w);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        assertThat(adapter.verify(Writes.at(w, ((FindOutcome.Found) found).ref())))
                .isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(sim.countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, "lost-note")).isEqualTo(1);
        assertThat(sim.resources("DocumentReference")).hasSize(1);
    }

    @Test
    void a_lost_create_whose_identifier_epic_dropped_is_found_by_content() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = new EpicAdapter(EpicTesting.connection(sim, EpicTesting.CLIENT, EpicTesting.SUPPORTED,
                Duration.ofMillis(700)), gateway.env());
        ClinicalEvent vitals = MARIA.event("vitals");
        WriteContext other = Writes.write(vitals, 1, "heart-rate");
        assertThat(adapter.send(other)).isInstanceOf(SendOutcome.Created.class);
        WriteContext w = Writes.write(vitals, 0, "lost-bp");
        sim.faults().dropFields("Observation", "identifier");
        sim.faults().commitThenTimeout(1.0, 2_000);
        assertThat(adapter.send(w)).isInstanceOf(SendOutcome.Unknown.class);
        sim.faults().clear();
        FindOutcome found = adapter.find(w);
        assertThat(found).isInstanceOf(FindOutcome.Found.class);
        String id = ((FindOutcome.Found) found).ref().id();
        assertThat(sim.read("Observation/" + id).orElseThrow().getIdElement().getIdPart()).isEqualTo(id);
        assertThat(sim.resources("Observation")).hasSize(2);
        // a reading that never landed (another time) is absent, so the engine may send it
        ClinicalEvent later = MARIA.event("vitals", e -> e.put("occurredAt", "2026-11-21T09:30:00Z"));
        assertThat(adapter.find(Writes.write(later, 0, "never-sent"))).isInstanceOf(FindOutcome.Absent.class);
    }

    @Test
    void a_held_condition_is_pending_and_never_taken_as_absent_until_released() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = adapter();
        WriteContext w = Writes.write(MARIA.event("condition"), 0, "held-condition");
        SendOutcome.Created created = (SendOutcome.Created) adapter.send(w);
        assertThat(sim.isHeld("Condition/" + created.ref().id())).isTrue();
        assertThat(adapter.verify(Writes.at(w, created.ref()))).isInstanceOf(VerifyOutcome.NotYetReadable.class);
        FindOutcome whileHeld = adapter.find(w);
        assertThat(whileHeld).isInstanceOf(FindOutcome.Undetermined.class);
        assertThat(((FindOutcome.Undetermined) whileHeld).error().vendorCode()).isEqualTo("holding-tank");
        sim.releaseHoldingTank();
        FindOutcome released = adapter.find(w);
        assertThat(released).isInstanceOf(FindOutcome.Found.class);
        assertThat(((FindOutcome.Found) released).ref().id()).isEqualTo(created.ref().id());
        assertThat(adapter.verify(Writes.at(w, created.ref()))).isInstanceOf(VerifyOutcome.Verified.class);
        assertThat(sim.resources("Condition")).hasSize(1);
    }

    @Test
    void a_token_endpoint_outage_is_retryable_and_nothing_is_sent() {
        EPIC.simulator().auth().tokenEndpointOutage(true);
        SendOutcome sent = adapter().send(Writes.write(MARIA.event("allergy"), 0, "outage"));
        assertThat(sent).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(((SendOutcome.Retryable) sent).error().errorClass()).isEqualTo(ErrorClass.TRANSIENT);
        assertThat(EPIC.simulator().stats().journal().all()).isEmpty();
    }

    /** Every request this test's adapter made is an endpoint the evidence ledger names ({@code docs/evidence}). */
    @org.junit.jupiter.api.AfterEach
    void every_request_is_evidenced() {
        assertThat(dev.chartbridge.core.testing.EvidenceLedger.load().unevidenced("epic", EPIC.simulator().stats()
                .journal().all().stream().map(r -> r.method() + " " + r.pathAndQuery()).toList()))
                .as("requests no endpoint entry of docs/evidence/%s.yaml covers", "epic").isEmpty();
    }
}
