package dev.chartbridge.app;

import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** A caller bound to one patient (its user's launch context) cannot write for another: refused and audited. */
class PatientContextTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("context-node", t -> t);

    private static ApiClient.Answer submitBoundTo(String mrn, String idempotencyKey, int reading) {
        return env.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.gateway().gateway().port()
                        + "/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .header("X-Patient-Context", SeedData.MRN_SYSTEM + "|" + mrn)
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.bytes(Events.bloodPressure(reading))))
                .build());
    }

    @Test
    void a_write_for_the_bound_patient_is_accepted_and_one_for_another_is_refused_and_audited() {
        ApiClient.Answer same = submitBoundTo(SeedData.MRN_MARIA, "ctx-same", 1);
        assertThat(same.status()).isEqualTo(202);

        ApiClient.Answer other = submitBoundTo(SeedData.MRN_MARIO, "ctx-other", 2);

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.body().at("/errors/0/pointer").asText()).isEqualTo("/patient/identifiers");
        assertThat(env.pg().count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'ctx-other'")).isZero();
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND detail LIKE '%bound to%'")).isEqualTo(1);
        assertThat(env.ehr().resourcesForPatient(SeedData.PATIENT_MARIO))
                .noneMatch(r -> r.fhirType().equals("Observation"));
    }

    @Test
    void a_malformed_context_header_is_named() {
        ApiClient.Answer bad = env.gateway().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + env.gateway().gateway().port() + "/v1/events"))
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Content-Type", "application/json")
                .header("X-Patient-Context", "no-bar")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.bytes(Events.bloodPressure(3)))).build());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/errors/0/pointer").asText()).isEqualTo("header:X-Patient-Context");
    }
}
