package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A tenant that requires consent: writes wait for a permit on record, a later deny stops them, refusals are audited. */
class ConsentGateTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("consent-node", TestGateway.requiringConsent("treatment"));

    private static ObjectNode consent(String decision, String occurredAt) {
        ObjectNode c = Events.of("consent");
        ((ObjectNode) c.get("payload")).put("scope", "treatment").put("decision", decision);
        ((ObjectNode) c.at("/payload/period")).put("start", "2026-01-01");
        c.put("occurredAt", occurredAt);
        return c;
    }

    @Test
    void writes_need_a_permit_on_record_and_a_later_deny_stops_them() {
        ApiClient.Answer before = env.gateway().submit(Events.bloodPressure(1), "bp-before");
        assertThat(before.status()).isEqualTo(422);
        assertThat(before.body().get("type").asText()).endsWith("/gate-refused");
        assertThat(before.body().at("/errors/0/pointer").asText()).isEqualTo("/patient");
        assertThat(before.body().at("/errors/0/detail").asText())
                .isEqualTo("no active treatment consent is on record for this patient");
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND detail LIKE '%no active treatment consent%'")).isEqualTo(1);
        assertThat(env.pg().count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'bp-before'")).isZero();

        assertThat(env.gateway().submit(consent("permit", "2026-11-01T08:00:00Z"), "consent-permit").status())
                .isEqualTo(202);
        ApiClient.Answer permitted = env.gateway().submit(Events.bloodPressure(2), "bp-permitted");
        assertThat(permitted.status()).isEqualTo(202);
        assertThat(env.gateway().awaitSettled(permitted.body().get("id").asText()).get("status").asText())
                .isEqualTo("delivered");

        assertThat(env.gateway().submit(consent("deny", "2026-11-02T08:00:00Z"), "consent-deny").status()).isEqualTo(202);
        ApiClient.Answer denied = env.gateway().submit(Events.bloodPressure(3), "bp-denied");
        assertThat(denied.status()).isEqualTo(422);
        assertThat(denied.body().at("/errors/0/detail").asText())
                .isEqualTo("the patient's latest treatment consent denies it");
        assertThat(env.pg().count("SELECT count(*) FROM consent_record WHERE event_id IN (SELECT id FROM"
                + " clinical_event WHERE idempotency_key IN ('consent-permit', 'consent-deny'))")).isEqualTo(2);
    }

    @Test
    void a_replay_after_consent_withdrawal_gets_its_original_202_and_audits_nothing() {
        ObjectNode permit = forOtherPatient(consent("permit", "2026-11-05T08:00:00Z"));
        ApiClient.Answer permitted = env.gateway().submit(permit, "replay-permit");
        assertThat(permitted.status()).isEqualTo(202);
        ObjectNode reading = forOtherPatient(Events.bloodPressure(40));
        ApiClient.Answer first = env.gateway().submit(reading, "replay-bp");
        assertThat(first.status()).as(first.text()).isEqualTo(202);
        ObjectNode deny = forOtherPatient(consent("deny", "2026-11-06T08:00:00Z"));
        ApiClient.Answer denied = env.gateway().submit(deny, "replay-deny");
        assertThat(denied.status()).isEqualTo(202);
        // Their deliveries audit too: counted only once they are done, so the counts below see intake alone.
        for (ApiClient.Answer accepted : List.of(permitted, first, denied)) {
            env.gateway().awaitSettled(accepted.body().get("id").asText());
        }
        long auditBefore = env.pg().count("SELECT count(*) FROM audit_entry");
        long refusalsBefore = env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'");

        ApiClient.Answer replayKeyed = env.gateway().submit(reading, "replay-bp");
        ApiClient.Answer replayWithoutKeyAfterDeny = env.gateway().submit(forOtherPatient(Events.bloodPressure(41)),
                null);

        assertThat(replayKeyed.status()).as(replayKeyed.text()).isEqualTo(202);
        assertThat(replayKeyed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayKeyed.body().get("id")).isEqualTo(first.body().get("id"));
        assertThat(replayKeyed.body().get("operations")).isEqualTo(first.body().get("operations"));
        assertThat(replayWithoutKeyAfterDeny.status()).as("a new event is still refused").isEqualTo(422);
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry")).as("only the new event's refusal")
                .isEqualTo(auditBefore + 1);
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"))
                .isEqualTo(refusalsBefore + 1);
    }

    /** Patient MRN 1002, whom the other test never names, so the consent on record differs per test. */
    private static ObjectNode forOtherPatient(ObjectNode event) {
        ((ObjectNode) event.at("/patient/identifiers/0")).put("value", "1002");
        event.remove("encounter");
        return event;
    }
}
