package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A tenant that requires consent: writes wait for a permit on record, a later deny stops them, refusals are audited. */
class ConsentGateTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.startRequiringConsent(pg.url(), ehr.simulator().baseUrl(), "consent-node", "treatment");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static ObjectNode consent(String decision, String occurredAt) {
        ObjectNode c = Events.of("consent");
        ((ObjectNode) c.get("payload")).put("scope", "treatment").put("decision", decision);
        ((ObjectNode) c.at("/payload/period")).put("start", "2026-01-01");
        c.put("occurredAt", occurredAt);
        return c;
    }

    @Test
    void writes_need_a_permit_on_record_and_a_later_deny_stops_them() {
        ApiClient.Answer before = gateway.submit(Events.bloodPressure(1), "bp-before");
        assertThat(before.status()).isEqualTo(422);
        assertThat(before.body().get("type").asText()).endsWith("/gate-refused");
        assertThat(before.body().at("/errors/0/pointer").asText()).isEqualTo("/patient");
        assertThat(before.body().at("/errors/0/detail").asText())
                .isEqualTo("no active treatment consent is on record for this patient");
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND detail LIKE '%no active treatment consent%'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'bp-before'")).isZero();

        assertThat(gateway.submit(consent("permit", "2026-11-01T08:00:00Z"), "consent-permit").status())
                .isEqualTo(202);
        ApiClient.Answer permitted = gateway.submit(Events.bloodPressure(2), "bp-permitted");
        assertThat(permitted.status()).isEqualTo(202);
        assertThat(gateway.awaitSettled(permitted.body().get("id").asText()).get("status").asText())
                .isEqualTo("delivered");

        assertThat(gateway.submit(consent("deny", "2026-11-02T08:00:00Z"), "consent-deny").status()).isEqualTo(202);
        ApiClient.Answer denied = gateway.submit(Events.bloodPressure(3), "bp-denied");
        assertThat(denied.status()).isEqualTo(422);
        assertThat(denied.body().at("/errors/0/detail").asText())
                .isEqualTo("the patient's latest treatment consent denies it");
        assertThat(pg.count("SELECT count(*) FROM consent_record")).isEqualTo(2);
    }
}
