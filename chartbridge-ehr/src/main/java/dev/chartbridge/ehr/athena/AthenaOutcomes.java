package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.RetryAfter;
import dev.chartbridge.ehr.auth.AuthException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Normalizes every athenaOne answer into the gateway's taxonomy, keeping athena's own text ({@code errormessage},
 * {@code error}, {@code missingfields}) in the {@link VendorError}. The rules that matter: {@code success:false}
 * inside a 200 is a refusal, never a success; 429 and 503 were not processed (retry, waiting for the quota reset
 * when the day's quota is spent); once a POST may have left, a timeout, a reset or another 5xx is an unknown
 * outcome to reconcile, never a plain retry. Stateless and thread-safe.
 */
final class AthenaOutcomes {
    /** What athena's per-second limit costs at most: the next second. */
    private static final Duration PER_SECOND_WAIT = Duration.ofSeconds(1);

    private AthenaOutcomes() {
    }

    /**
     * athena's {@code success}: the string "true"/"false" in the recorded sandbox answers, a JSON boolean in other
     * clients' fixtures. Anything else (missing, another word) is null: not recognised, never taken as either.
     */
    // evidence: athena.answer.success-flag
    static Boolean success(JsonNode body) {
        JsonNode s = body == null ? null : body.get("success");
        if (s == null || s.isNull()) {
            return null;
        }
        if (s.isBoolean()) {
            return s.asBoolean();
        }
        String text = s.asText().trim();
        return text.equalsIgnoreCase("true") ? Boolean.TRUE : text.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    /** The outcome of a write whose answer arrived but did not carry {@code success:true}. */
    // evidence: athena.error.success-false, athena.error.invalid-400, athena.limit.429
    static SendOutcome ofWrite(AthenaApi.Answer a, Exchange ex, Clock clock) {
        VendorError error = error(a);
        return switch (a.status()) {
            case 200, 400, 403, 404, 422 -> new SendOutcome.Rejected(error, ex);
            case 401 -> new SendOutcome.Retryable(Duration.ZERO, error, ex);
            case 409 -> new SendOutcome.Conflict(error, ex);
            case 429 -> new SendOutcome.Retryable(retryAfter(a, clock), error, ex);
            case 503 -> new SendOutcome.Retryable(RetryAfter.parse(a.header("Retry-After")), error, ex);
            default -> a.status() >= 500 ? new SendOutcome.Unknown("HTTP " + a.status(), ex)
                    : new SendOutcome.Rejected(error, ex);
        };
    }

    /** The outcome of a write that got no answer. */
    static SendOutcome ofWriteFailure(IOException e, Exchange ex) {
        if (neverSent(e)) {
            return new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT, "could not connect"), ex);
        }
        return new SendOutcome.Unknown("no answer (" + e.getClass().getSimpleName() + ")", ex);
    }

    /** The token endpoint refused or failed: nothing reached the chart, so the write may be tried again later. */
    static SendOutcome ofAuth(AuthException e, Exchange ex) {
        return new SendOutcome.Retryable(null, ofAuth(e), ex).unsent();
    }

    /** A token failure: rate limited (athena limits new-token requests per minute), an outage, or a refusal. */
    static VendorError ofAuth(AuthException e) {
        ErrorClass cls = !e.isTransient() ? ErrorClass.AUTH
                : e.errorCode() != null && e.errorCode().contains("rate") ? ErrorClass.RATE_LIMITED : ErrorClass.TRANSIENT;
        return new VendorError(cls, e.errorCode(), e.getMessage());
    }

    static VendorError ofFailure(IOException e) {
        return VendorError.of(neverSent(e) ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN,
                "no answer (" + e.getClass().getSimpleName() + ")");
    }

    /** A normalized error for any answer that is not a success. */
    static VendorError error(AthenaApi.Answer a) {
        JsonNode body = a.body();
        ErrorClass cls = switch (a.status()) {
            case 200, 400, 422 -> ErrorClass.INVALID;
            case 401 -> ErrorClass.AUTH;
            case 403 -> ErrorClass.FORBIDDEN;
            case 404 -> ErrorClass.NOT_FOUND;
            case 409 -> ErrorClass.CONFLICT;
            case 429 -> ErrorClass.RATE_LIMITED;
            default -> a.status() >= 500 ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN;
        };
        if (body == null) {
            return new VendorError(cls, "http-" + a.status(), "HTTP " + a.status() + " without a JSON body");
        }
        // evidence: athena.error.missingfields
        if (body.hasNonNull("missingfields")) {
            return new VendorError(cls, "missingfields", text(body, "error") + " " + body.get("missingfields"));
        }
        if (Boolean.FALSE.equals(success(body))) {
            return new VendorError(cls, "success:false", text(body, "errormessage"));
        }
        String detail = body.hasNonNull("detailedmessage") ? " (" + body.get("detailedmessage").asText() + ")" : "";
        return new VendorError(cls, "http-" + a.status(), text(body, "error") + detail);
    }

    /**
     * How long a 429 asks to wait: {@code Retry-After} when sent; the quota reset ({@code X-RateLimit-Reset}, epoch
     * seconds) when the day's quota is spent ({@code X-RateLimit-Remaining: 0}); else the per-second limit: a second.
     */
    static Duration retryAfter(AthenaApi.Answer a, Clock clock) {
        Duration explicit = RetryAfter.parse(a.header("Retry-After"));
        if (explicit != null) {
            return explicit;
        }
        String remaining = a.header("X-RateLimit-Remaining");
        String reset = a.header("X-RateLimit-Reset");
        if ("0".equals(remaining) && reset != null) {
            try {
                Duration wait = Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(reset.trim())));
                return wait.isNegative() ? PER_SECOND_WAIT : wait;
            } catch (NumberFormatException e) {
                return PER_SECOND_WAIT;
            }
        }
        return PER_SECOND_WAIT;
    }

    private static String text(JsonNode body, String field) {
        return body.hasNonNull(field) ? body.get(field).asText() : "(no " + field + ")";
    }

    /** Connection refused, unknown host or connect timeout: the request never left. */
    static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
