package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of the FHIR answer table ({@code docs/fhir-answers.md}) as {@link FhirOutcomes} reads them; the rows
 * that need a server are tested against the simulators in {@code FhirR4AdapterTest}, {@code EpicAdapterTest} and
 * {@code EcwAdapterTest}.
 */
class FhirOutcomesTest {
    private static final Exchange SENT = new Exchange("POST Observation", "digest", 0);

    private static BaseServerResponseException answer(int status, String epicCode) {
        BaseServerResponseException e = BaseServerResponseException.newInstance(status, "HTTP " + status);
        if (epicCode != null) {
            OperationOutcome oo = new OperationOutcome();
            oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.FATAL)
                    .setDetails(new CodeableConcept(new Coding("urn:oid:x", epicCode, null)).setText("Epic"));
            e.setOperationOutcome(oo);
        }
        return e;
    }

    @Test
    void a_refused_connection_sent_nothing_and_a_lost_answer_is_unknown_both_without_an_http_status() {
        SendOutcome refused = FhirOutcomes.ofSend(new FhirClientConnectionException(new ConnectException("refused")),
                SENT);
        SendOutcome lost = FhirOutcomes.ofSend(new FhirClientConnectionException(new SocketTimeoutException("read")),
                SENT);

        assertThat(refused).isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
            assertThat(r.notSent()).isTrue();
            assertThat(r.exchange().httpStatus()).isZero();
        });
        assertThat(lost).isInstanceOfSatisfying(SendOutcome.Unknown.class,
                u -> assertThat(u.exchange().httpStatus()).as("never recorded as HTTP 500").isZero());
        assertThat(FhirOutcomes.status(new FhirClientConnectionException(new SocketTimeoutException()))).isZero();
    }

    @Test
    void statuses_of_a_send() {
        assertThat(FhirOutcomes.ofSend(answer(408, null), SENT)).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(FhirOutcomes.ofSend(answer(429, null), SENT)).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(FhirOutcomes.ofSend(answer(503, null), SENT)).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(FhirOutcomes.ofSend(answer(500, null), SENT)).isInstanceOfSatisfying(SendOutcome.Unknown.class,
                u -> assertThat(u.exchange().httpStatus()).isEqualTo(500));
        assertThat(FhirOutcomes.ofSend(answer(412, null), SENT)).as("an update's stale If-Match")
                .isInstanceOf(SendOutcome.Conflict.class);
        assertThat(FhirOutcomes.ofSend(answer(422, null), SENT)).isInstanceOf(SendOutcome.Rejected.class);
    }

    @Test
    void already_there_is_409_or_412_on_a_conditional_create_or_a_vendors_duplicate_code() {
        Set<String> epic = Set.of("59189", "59141");
        assertThat(FhirOutcomes.meansAlreadyThere(answer(409, null), true, Set.of())).isTrue();
        assertThat(FhirOutcomes.meansAlreadyThere(answer(412, null), true, Set.of())).isTrue();
        assertThat(FhirOutcomes.meansAlreadyThere(answer(412, null), false, Set.of())).as("not conditional").isFalse();
        assertThat(FhirOutcomes.meansAlreadyThere(answer(422, "59189"), false, epic)).isTrue();
        assertThat(FhirOutcomes.meansAlreadyThere(answer(422, "59141"), false, epic)).isTrue();
        assertThat(FhirOutcomes.meansAlreadyThere(answer(422, "59012"), false, epic)).isFalse();
        assertThat(FhirOutcomes.meansAlreadyThere(new FhirClientConnectionException(new SocketTimeoutException()),
                true, epic)).isFalse();
    }

    @Test
    void a_lookup_refuses_only_on_a_definitive_answer_and_sends_ambiguity_to_review() {
        Exchange ex = new Exchange("GET Patient?identifier", null, 200);
        VendorError notFound = new VendorError(ErrorClass.INVALID, "not-found", "no patient");
        VendorError ambiguous = new VendorError(ErrorClass.INVALID, "ambiguous", "2 records: Patient/a, Patient/b");
        VendorError unavailable = new VendorError(ErrorClass.TRANSIENT, null, "HTTP 503");
        VendorError noAnswer = new VendorError(ErrorClass.UNKNOWN, null, "no answer (SocketTimeoutException)");

        assertThat(FhirOutcomes.lookupFailure(notFound, ex, null)).isInstanceOf(SendOutcome.Rejected.class);
        assertThat(FhirOutcomes.lookupFailure(ambiguous, ex, null)).isInstanceOf(SendOutcome.NeedsReview.class);
        assertThat(FhirOutcomes.lookupFailure(unavailable, ex, Duration.ofSeconds(4)))
                .isInstanceOfSatisfying(SendOutcome.Retryable.class, r -> {
                    assertThat(r.notSent()).isTrue();
                    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(4));
                });
        assertThat(FhirOutcomes.lookupFailure(noAnswer, ex, null)).isInstanceOfSatisfying(SendOutcome.Retryable.class,
                r -> assertThat(r.error().errorClass()).isEqualTo(ErrorClass.TRANSIENT));
    }

    /** Issue #17: a create answered minimal is where its Location says, or unknown (reconciled), never guessed. */
    @Test
    void a_minimal_create_is_where_its_location_says_and_without_one_nowhere() {
        assertThat(FhirOutcomes.locationRef("Observation", answered(Map.of("Location",
                List.of("http://ehr/fhir/Observation/123/_history/4"), "ETag", List.of("W/\"9\"")))))
                .isEqualTo(new RemoteRef("Observation", "123", "4"));
        assertThat(FhirOutcomes.locationRef("Observation", answered(Map.of("location", List.of("Observation/123"),
                "etag", List.of("W/\"2\""))))).as("the version from the ETag when the Location has none")
                .isEqualTo(new RemoteRef("Observation", "123", "2"));
        assertThat(FhirOutcomes.locationRef("Observation", answered(Map.of("Location", List.of("Observation/123")))))
                .isEqualTo(new RemoteRef("Observation", "123", null));
        assertThat(FhirOutcomes.locationRef("Observation", answered(Map.of("Content-Location",
                List.of("Observation/123/_history/1"))))).as("only Location names the created record").isNull();
        assertThat(FhirOutcomes.locationRef("Observation", answered(Map.of("Location",
                List.of("Condition/7/_history/1"))))).as("another type's record is not this write").isNull();
        assertThat(FhirOutcomes.locationRef("Observation", answered(Map.of()))).isNull();
    }

    /** An update's new version: from the Location's history, else the ETag; none named, none guessed. */
    @Test
    void an_updates_version_is_read_from_its_location_then_its_etag() {
        assertThat(FhirOutcomes.updatedVersion(answered(Map.of("Location",
                List.of("Observation/123/_history/5"), "ETag", List.of("W/\"9\""))))).isEqualTo("5");
        assertThat(FhirOutcomes.updatedVersion(answered(Map.of("Location", List.of("Observation/123"),
                "ETag", List.of("W/\"6\""))))).isEqualTo("6");
        assertThat(FhirOutcomes.updatedVersion(answered(Map.of("etag", List.of("\"7\""))))).isEqualTo("7");
        assertThat(FhirOutcomes.updatedVersion(answered(Map.of()))).isNull();
    }

    private static MethodOutcome answered(Map<String, List<String>> headers) {
        MethodOutcome outcome = new MethodOutcome();
        outcome.setResponseStatusCode(201);
        outcome.setResponseHeaders(headers);
        return outcome;
    }
}
