package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.RetryAfter;
import dev.chartbridge.ehr.auth.AuthException;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns what a Unity call got into the gateway's outcomes. Unity answers errors inside HTTP 200 bodies
 * ({@code [{"Error": "Magic Error - ..."}]}): such an answer is never a success; its text is kept as Unity wrote
 * it and classed by what it says (token, not found, required or invalid, unknown action, temporary). Once a
 * request may have left, a missing answer or a 5xx is an unknown outcome. Stateless.
 */
final class UnityOutcomes {
    static final String CODE = "MagicError";
    /** How long a refused GetToken waits before it is tried again: an operator must fix the credentials. */
    static final Duration AFTER_LOGIN_REFUSED = Duration.ofMinutes(5);
    /** Unity publishes no rate limit and its 429 no Retry-After: the wait when a 429 names none. */
    static final Duration AFTER_429 = Duration.ofSeconds(60);

    private UnityOutcomes() {
    }

    static SendOutcome ofSend(UnityClient.Call call, Exchange sent,
                              Function<UnityTransport.Answer, SendOutcome> onSuccess) {
        if (call instanceof UnityClient.NoToken n) {
            return new SendOutcome.Retryable(n.error().isTransient() ? null : AFTER_LOGIN_REFUSED,
                    authError(n.error()), sent).unsent();
        }
        UnityTransport.Reply reply = ((UnityClient.Sent) call).reply();
        if (reply instanceof UnityTransport.NoAnswer no) {
            return no.neverSent()
                    ? new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT, no.reason()), sent)
                    : new SendOutcome.Unknown(no.reason(), sent);
        }
        UnityTransport.Answer a = (UnityTransport.Answer) reply;
        Exchange ex = new Exchange(sent.request(), sent.requestDigest(), a.status());
        if (a.status() == 429 || a.status() == 503) {
            return new SendOutcome.Retryable(RetryAfter.orElse(a.retryAfter(), a.status() == 429 ? AFTER_429 : null),
                    error(a), ex);
        }
        if (a.status() >= 500 || (a.status() == 200 && a.json() == null)) {
            return new SendOutcome.Unknown("HTTP " + a.status() + (a.json() == null ? " without JSON" : ""), ex);
        }
        if (a.status() == 200 && a.unityError() == null) {
            return onSuccess.apply(a);
        }
        VendorError error = error(a);
        return switch (error.errorClass()) {
            case AUTH -> new SendOutcome.Retryable(Duration.ZERO, error, ex);
            case RATE_LIMITED, TRANSIENT -> new SendOutcome.Retryable(null, error, ex);
            case CONFLICT, DUPLICATE -> new SendOutcome.Conflict(error, ex);
            default -> new SendOutcome.Rejected(error, ex);
        };
    }

    /** The normalized error of a call that did not succeed (searches and read-backs too). */
    static VendorError error(UnityClient.Call call) {
        if (call instanceof UnityClient.NoToken n) {
            return authError(n.error());
        }
        UnityTransport.Reply reply = ((UnityClient.Sent) call).reply();
        if (reply instanceof UnityTransport.NoAnswer no) {
            return VendorError.of(no.neverSent() ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN, no.reason());
        }
        return error((UnityTransport.Answer) reply);
    }

    static VendorError error(UnityTransport.Answer a) {
        String text = a.unityError();
        if (text == null) {
            ErrorClass cls = switch (a.status()) {
                case 200 -> ErrorClass.UNKNOWN;
                case 400, 422 -> ErrorClass.INVALID;
                case 401 -> ErrorClass.AUTH;
                case 403 -> ErrorClass.FORBIDDEN;
                case 404 -> ErrorClass.NOT_FOUND;
                case 429 -> ErrorClass.RATE_LIMITED;
                default -> a.status() >= 500 ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN;
            };
            return new VendorError(cls, "http-" + a.status(), "HTTP " + a.status());
        }
        return new VendorError(classify(text), CODE, text);
    }

    static ErrorClass classify(String unityError) {
        String t = unityError.toLowerCase(Locale.ROOT);
        if (UnityClient.tokenProblem(t)) {
            return ErrorClass.AUTH;
        }
        if (t.contains("appname") || t.contains("appuserid") || t.contains("not authorized")
                || t.contains("permission")) {
            return ErrorClass.FORBIDDEN;
        }
        if (t.contains("not found")) {
            return ErrorClass.NOT_FOUND;
        }
        if (t.contains("unknown action") || t.contains("not supported")) {
            return ErrorClass.UNSUPPORTED;
        }
        if (t.contains("duplicate") || t.contains("already exists")) {
            return ErrorClass.DUPLICATE;
        }
        if (t.contains("timeout") || t.contains("timed out") || t.contains("try again") || t.contains("unavailable")
                || t.contains("deadlock") || t.contains("busy")) {
            return ErrorClass.TRANSIENT;
        }
        if (t.contains("required") || t.contains("invalid") || t.contains("not valid") || t.contains("is not")) {
            return ErrorClass.INVALID;
        }
        return ErrorClass.UNKNOWN;
    }

    static int status(UnityClient.Call call) {
        return call instanceof UnityClient.Sent s && s.reply() instanceof UnityTransport.Answer a ? a.status() : 0;
    }

    private static VendorError authError(AuthException e) {
        return new VendorError(e.isTransient() ? ErrorClass.TRANSIENT : ErrorClass.AUTH, e.errorCode(),
                e.getMessage());
    }
}
