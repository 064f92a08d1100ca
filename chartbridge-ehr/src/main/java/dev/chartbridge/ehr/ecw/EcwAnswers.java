package dev.chartbridge.ehr.ecw;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.fhir.BackendFhirWriter;
import dev.chartbridge.ehr.fhir.FhirOutcomes;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * eClinicalWorks' answers normalized. Writeback refusals carry a numeric {@code status} and an error key
 * ({@code {"status":139,"error":"ENCOUNTER_IS_LOCKED","message":...}}, {@code eclinicalworks-error-codes.yml}); the
 * number is kept as the vendor code and the key and eCW's action text as the message (never eCW's {@code details},
 * which may quote the request). Every such refusal is final, whatever HTTP status carried it (308 comes as a 500):
 * 139 a locked encounter is a conflict only a human can resolve, 202 must not be retried, 308 and 2 are
 * configuration problems of the practice, the rest invalid content. A 429 (eCW blocks the practice for the rest of
 * the clock minute, without Retry-After) is retried after the minute turns, or after its Retry-After when it names
 * one. Stateless apart from the clock.
 */
final class EcwAnswers implements BackendFhirWriter.Answers {
    static final int FAILURE = 2;
    static final int ENCOUNTER_IS_LOCKED = 139;
    static final int PATIENT_ALREADY_EXISTS = 202;
    static final int WRITEBACK_USER_NOT_CONFIGURED = 308;

    private final Clock clock;

    EcwAnswers(Clock clock) {
        this.clock = clock;
    }

    @Override
    public SendOutcome failedSend(RuntimeException e, Exchange sent) {
        Exchange answered = new Exchange(sent.request(), sent.requestDigest(), FhirOutcomes.status(e));
        Optional<VendorError> refusal = writebackRefusal(e);
        if (refusal.isPresent()) {
            return new SendOutcome.Rejected(refusal.get(), answered);
        }
        if (FhirOutcomes.status(e) == 429) {
            Duration named = FhirOutcomes.retryAfter(e);
            return new SendOutcome.Retryable(named != null ? named : untilNextMinute(), FhirOutcomes.error(e),
                    answered);
        }
        return FhirOutcomes.ofSend(e, sent);
    }

    @Override
    public VendorError failedCall(RuntimeException e) {
        return writebackRefusal(e).orElseGet(() -> FhirOutcomes.error(e));
    }

    @Override
    public SendOutcome.Retryable tokenFailure(AuthException e) {
        boolean limited = "too_many_requests".equals(e.errorCode());
        ErrorClass cls = limited ? ErrorClass.RATE_LIMITED : e.isTransient() ? ErrorClass.TRANSIENT : ErrorClass.AUTH;
        return new SendOutcome.Retryable(limited ? untilNextMinute() : null,
                new VendorError(cls, e.errorCode(), e.getMessage()), Exchange.none());
    }

    /** eCW's limit is per clock minute: the block lifts when the next minute starts. */
    private Duration untilNextMinute() {
        long millis = clock.millis();
        return Duration.ofMillis(60_000 - millis % 60_000 + 500);
    }

    private static Optional<VendorError> writebackRefusal(RuntimeException e) {
        if (!(e instanceof BaseServerResponseException r) || r.getResponseBody() == null) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(r.getResponseBody());
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
        if (body == null || !body.path("status").isInt() || !body.hasNonNull("error")) {
            return Optional.empty();
        }
        int status = body.get("status").asInt();
        String key = body.get("error").asText();
        String action = body.path("message").asText("");
        ErrorClass cls = switch (status) {
            case ENCOUNTER_IS_LOCKED -> ErrorClass.CONFLICT;
            case PATIENT_ALREADY_EXISTS -> ErrorClass.DUPLICATE;
            case FAILURE, WRITEBACK_USER_NOT_CONFIGURED -> ErrorClass.FORBIDDEN;
            default -> ErrorClass.INVALID;
        };
        String message = switch (status) {
            case WRITEBACK_USER_NOT_CONFIGURED -> key + ": the practice has no default writeback user configured at "
                    + "eClinicalWorks; nothing can be filed until eCW or the practice configures one";
            case FAILURE -> key + ": this write is not enabled (contracted) for the practice at eClinicalWorks";
            case PATIENT_ALREADY_EXISTS -> key + ": do not retry as a create";
            default -> key + (action.isEmpty() ? "" : ": " + action);
        };
        return Optional.of(new VendorError(cls, Integer.toString(status), message));
    }
}
