package dev.chartbridge.app;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.hapi.HapiJpaExtension;
import dev.chartbridge.app.hapi.HapiJpaServer;
import dev.chartbridge.app.hapi.LoopbackProxy;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.fhir.SeedData;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11's "done when", against a real HAPI FHIR JPA server in process (HAPI's default settings: search results
 * cached 60 s, versions stripped from references, 409 on a stale {@code If-Match}, 412 on a conditional create
 * matching several records). The gateway reaches HAPI through a loopback TCP proxy the test controls; lost answers
 * come from the fault filter in front of HAPI's servlet, which lets HAPI commit and then drops the answer.
 *
 * <p>Two tests fail until the generic FHIR adapter's fixes of issue #11 (branch {@code fhir}) are merged: instants
 * are sent cut to seconds and the Provenance's target comes back versionless from HAPI and is compared as sent
 * (both MODIFIED), and a refused lookup ends the write REJECTED ("TRANSIENT: HTTP 500") instead of deferring it.
 * Each test names which.
 */
class HapiJpaDeliveryTest {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance", "medication-change", "MedicationRequest",
            "follow-up-task", "Task", "consent", "Consent");

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static HapiJpaExtension hapi = new HapiJpaExtension();

    /** Deferrals the refused-lookup test waits for: twice the send budget below (6). */
    private static final int REFUSED_DEFERRALS = 12;

    private static LoopbackProxy proxy;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        proxy = LoopbackProxy.to(hapi.server().port());
        gateway = TestGateway.start(pg.url(), "http://127.0.0.1:" + proxy.port() + "/fhir", "hapi-jpa-node",
                new dev.chartbridge.app.config.GatewayConfig.DeliveryConfig(6, 50L, 1_000L, 3_000L, 100L, true), 8,
                2_000L /* HAPI's JPA writes are slower than an in-process simulator's */);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static HapiJpaServer server() {
        return hapi.server();
    }

    /**
     * Every event type lands once and VERIFIED at HAPI, its time sent with milliseconds and kept so; the AI-assisted
     * note's Provenance is stored pointing at the note (HAPI keeps the reference without its version).
     * Fails before the {@code fhir} branch (#11): instants are cut to seconds ("dropped or altered: effective"),
     * and the Provenance's versionless target is taken for a modification ("dropped or altered: target").
     */
    @Test
    void every_event_type_lands_once_verified_with_millisecond_time_and_the_ai_note_with_its_provenance() {
        Map<String, Integer> before = new HashMap<>();
        Examples.TYPES.forEach(t -> before.put(t, records(t, SeedData.PATIENT_MARIA)));
        Map<String, JsonNode> settled = new HashMap<>();
        Map<String, Instant> sentAt = new HashMap<>();
        int n = 0;
        for (String type : Examples.TYPES) {
            ObjectNode event = Events.of(type);
            Instant at = Instant.parse("2026-11-21T10:15:30Z").plusSeconds(60L * n++).plusMillis(123);
            event.put("occurredAt", at.toString());
            sentAt.put(type, at);
            settled.put(type, Amendments.deliver(gateway, event));
        }

        for (String type : Examples.TYPES) {
            JsonNode status = settled.get(type);
            assertThat(status.get("status").asText()).as("%s: %s", type, status).isEqualTo("delivered");
            int written = 0;
            for (JsonNode op : status.get("operations")) {
                assertThat(op.get("state").asText()).as("%s %s: %s", type, op.get("resourceType"), op)
                        .isEqualTo("VERIFIED");
                assertThat(op.get("sends").asInt()).as("%s sent once", type).isEqualTo(1);
                written += op.get("resourceType").asText().equals(RESOURCE.get(type)) ? 1 : 0;
            }
            // One record per operation of the type (the example's vitals are two readings); none twice.
            assertThat(written).as("%s operations", type).isPositive();
            assertThat(records(type, SeedData.PATIENT_MARIA) - before.get(type)).as("%s written once", type)
                    .isEqualTo(written);
        }
        String observationId = settled.get("vitals").at("/operations/0/remoteId").asText();
        Observation reading = (Observation) server().read("Observation/" + observationId);
        assertThat(reading.getEffectiveDateTimeType().getValue().toInstant()).as("time kept to the millisecond")
                .isEqualTo(sentAt.get("vitals"));
        assertThat(reading.getEffectiveDateTimeType().getPrecision()).isEqualTo(TemporalPrecisionEnum.MILLI);

        JsonNode noteOps = settled.get("note").get("operations");
        String noteId = op(noteOps, "DocumentReference").get("remoteId").asText();
        JsonNode provenanceOp = op(noteOps, "Provenance");
        Provenance provenance = (Provenance) server().read("Provenance/" + provenanceOp.get("remoteId").asText());
        assertThat(provenance.getTarget()).extracting(r -> r.getReferenceElement().toUnqualifiedVersionless()
                .getValue()).containsExactly("DocumentReference/" + noteId);
        assertThat(server().provenancesTargeting("DocumentReference/" + noteId)).as("one Provenance, the note's")
                .containsExactly(provenanceOp.get("remoteId").asText());
    }

    /**
     * Issue #17, at HAPI: the create that reached the server is the very body whose digest the attempt row records
     * (the resource encoded once and sent as encoded), it asked for {@code Prefer: return=minimal}, and the id and
     * version the ledger holds (taken from HAPI's {@code Location}, there being no body) are those of the record
     * HAPI stored.
     */
    @Test
    void the_create_that_reached_hapi_is_the_digested_body_asked_minimal_and_the_ledger_names_the_stored_version()
            throws Exception {
        ApiClient.Answer accepted = gateway.submit(Events.bloodPressure(6_017), "encoded-once");
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        String eventId = accepted.body().get("id").asText();
        JsonNode status = gateway.await(eventId, s -> !s.get("status").asText().equals("in-progress"),
                Duration.ofSeconds(60));
        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
        String op = pg.text("SELECT id FROM write_operation WHERE event_id = '" + eventId + "'");
        String key = pg.text("SELECT operation_key FROM write_operation WHERE id = '" + op + "'");
        String digest = pg.text("SELECT request_digest FROM delivery_attempt WHERE operation_id = '" + op
                + "' AND outcome = 'created'");

        List<dev.chartbridge.simulators.RecordedRequest> posts = server().stats().journal()
                .matching("POST", "/fhir/Observation").stream().filter(r -> r.bodyText().contains(key)).toList();

        assertThat(posts).as("one create of this write reached HAPI").hasSize(1);
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(posts.get(0).body()))).as("the bytes HAPI received are the digested bytes").isEqualTo(digest);
        assertThat(posts.get(0).header("Prefer")).isEqualTo("return=minimal");
        String remoteId = pg.text("SELECT remote_id FROM write_operation WHERE id = '" + op + "'");
        Observation stored = (Observation) server().read("Observation/" + remoteId);
        assertThat(pg.text("SELECT remote_version FROM write_operation WHERE id = '" + op + "'"))
                .isEqualTo(stored.getMeta().getVersionId()).isNotBlank();
        assertThat(stored.getIdentifier()).anySatisfy(i -> assertThat(i.getValue()).isEqualTo(key));
    }

    /**
     * The EHR cannot be reached at all (connections refused, held ones reset) while an event for James waits for
     * its patient and encounter lookups, for as long as the write takes to be deferred twice as many times as its
     * send budget allows sends ({@value #REFUSED_DEFERRALS}, its waits grown to the cap); the event stays in
     * progress all that time (never refused for good), and once HAPI answers again it lands once and VERIFIED, sent
     * once (no deferral used up a send). The outage is counted in deferrals, not seconds: it lasts what the backoff
     * makes it (a few seconds here; it was a fixed 30 s) and proves the same. Fails before the {@code fhir} branch
     * (#11): a refused lookup ends the write REJECTED ("TRANSIENT: HTTP 500").
     */
    @Test
    void lookups_refused_through_a_dozen_deferrals_then_restored_end_verified() throws Exception {
        int before = records("Observation", SeedData.PATIENT_JAMES);
        ObjectNode event = Events.bloodPressure(3_001);
        ((ObjectNode) event.at("/patient/identifiers/0")).put("value", SeedData.MRN_JAMES);
        ((ObjectNode) event.at("/encounter/identifier")).put("value", "V5004");

        proxy.refuse();
        String id;
        try {
            ApiClient.Answer accepted = gateway.submit(event, "refused-lookups");
            assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
            id = accepted.body().get("id").asText();
            Instant deadline = Instant.now().plusSeconds(60);
            while (deferrals(id) < REFUSED_DEFERRALS) {
                JsonNode status = gateway.status(id).body();
                assertThat(status.get("status").asText()).as("while the EHR refuses: %s", status)
                        .isEqualTo("in-progress");
                assertThat(Instant.now()).as("deferred %d times so far", deferrals(id)).isBefore(deadline);
                Thread.sleep(50);
            }
            JsonNode during = gateway.status(id).body();
            assertThat(during.get("status").asText()).as("after the last deferral: %s", during)
                    .isEqualTo("in-progress");
        } finally {
            proxy.restore();
        }

        JsonNode status = gateway.await(id, s -> !s.get("status").asText().equals("in-progress"),
                Duration.ofSeconds(60));
        assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
        assertThat(status.at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        assertThat(status.at("/operations/0/sends").asInt()).as("sent once, after the outage").isEqualTo(1);
        assertThat(records("Observation", SeedData.PATIENT_JAMES) - before).isEqualTo(1);
    }

    /**
     * A quarter of the writes (readings and notes written by hand, for Maria and Mario) reach HAPI, are committed,
     * and their answer never comes back (the connection hangs past the gateway's read timeout and is dropped).
     * Afterwards every event is delivered and VERIFIED, and HAPI holds exactly one record per write, each the one
     * the gateway names: 0 duplicates, 0 lost.
     */
    @Test
    void commit_then_timeout_on_a_quarter_of_creates_leaves_no_duplicate_and_loses_nothing() {
        List<String> patients = List.of(SeedData.PATIENT_MARIA, SeedData.PATIENT_MARIO);
        List<String> mrns = List.of(SeedData.MRN_MARIA, SeedData.MRN_MARIO);
        List<String> visits = List.of("V5001", "V5003");
        Map<String, List<String>> before = new HashMap<>();
        for (String p : patients) {
            for (String type : List.of("Observation", "DocumentReference")) {
                before.put(type + "/" + p, ids(type, p));
            }
        }
        long lostBefore = server().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT);
        server().faults().seed(1111).commitThenTimeout(0.25, 2_500);
        Map<String, String> patientOf = new HashMap<>();
        try {
            for (int i = 0; i < 24; i++) {
                int who = i % 2;
                ObjectNode event = i % 3 == 2 ? Events.of("note") : Events.bloodPressure(4_000 + i);
                if (event.get("type").asText().equals("note")) {
                    event.put("occurredAt", Instant.parse("2026-11-22T08:00:00Z").plusSeconds(60L * i).toString());
                    event.with("payload").put("text", "Lost-answer note " + i + ". Plan: recheck in two weeks.");
                    // Written by hand: no Provenance, so that this test counts lost answers and nothing else.
                    event.putObject("provenance").put("aiAssisted", false);
                }
                ((ObjectNode) event.at("/patient/identifiers/0")).put("value", mrns.get(who));
                ((ObjectNode) event.at("/encounter/identifier")).put("value", visits.get(who));
                ApiClient.Answer a = gateway.submit(event, "lost-answer-" + i);
                assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
                patientOf.put(a.body().get("id").asText(), patients.get(who));
            }

            Map<String, List<String>> named = new HashMap<>();
            for (Map.Entry<String, String> event : patientOf.entrySet()) {
                JsonNode status = gateway.await(event.getKey(), s -> !s.get("status").asText().equals("in-progress"),
                        Duration.ofSeconds(120));
                assertThat(status.get("status").asText()).as("%s", status).isEqualTo("delivered");
                String patient = event.getValue();
                for (JsonNode op : status.get("operations")) {
                    assertThat(op.get("state").asText()).as("%s", op).isEqualTo("VERIFIED");
                    named.computeIfAbsent(op.get("resourceType").asText() + "/" + patient, k -> new ArrayList<>())
                            .add(op.get("remoteId").asText());
                }
            }
            assertThat(server().stats().faults(FaultKind.COMMIT_THEN_TIMEOUT) - lostBefore).as("answers lost")
                    .isGreaterThanOrEqualTo(4);
            for (Map.Entry<String, List<String>> e : before.entrySet()) {
                String[] typeAndPatient = e.getKey().split("/");
                List<String> created = new ArrayList<>(ids(typeAndPatient[0], typeAndPatient[1]));
                created.removeAll(e.getValue());
                assertThat(created).as("%s: records HAPI holds now that it did not (0 duplicates, 0 lost)", e.getKey())
                        .containsExactlyInAnyOrderElementsOf(named.getOrDefault(e.getKey(), List.of()));
            }
        } finally {
            server().faults().clear();
        }
    }

    /** How many times in a row the event's write has been deferred (its lookups could not be made). */
    private static long deferrals(String eventId) {
        return pg.count("SELECT coalesce(max(waits), 0) FROM write_operation WHERE event_id = '" + eventId + "'");
    }

    private static JsonNode op(JsonNode ops, String resourceType) {
        for (JsonNode op : ops) {
            if (op.get("resourceType").asText().equals(resourceType)) {
                return op;
            }
        }
        throw new AssertionError("no " + resourceType + " operation in " + ops);
    }

    private static int records(String typeOrEvent, String patient) {
        return ids(RESOURCE.getOrDefault(typeOrEvent, typeOrEvent), patient).size();
    }

    private static List<String> ids(String resourceType, String patient) {
        return server().resourcesForPatient(resourceType, patient).stream()
                .map((Resource r) -> r.getIdElement().getIdPart()).toList();
    }
}
