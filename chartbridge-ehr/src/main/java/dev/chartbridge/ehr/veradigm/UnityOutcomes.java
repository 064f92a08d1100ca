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
 * ({@code [{"Error": "Magic Error - Action: ... - ..."}]}): such an answer is never a success. Only one wording is
 * recognised, the public one for an expired token; every other error text, like an answer without JSON or a 5xx,
 * leaves a save's outcome unknown (reconciled before anything is resent), never a refusal or a success. Stateless.
 */
final class UnityOutcomes {
    static final String CODE = "MagicError";
    /** The phrase of Unity's answer to an expired token. */
    static final String INACTIVITY = "logged out due to inactivity";
    /** How long a refused GetToken or GetUserAuthentication waits before it is tried again: an operator must act. */
    static final Duration AFTER_LOGIN_REFUSED = Duration.ofMinutes(5);
    /** Unity publishes no rate limit and no Retry-After: the wait when a 429 names none. */
    // evidence: veradigm.limit.no-published-rate-limit
    static final Duration AFTER_429 = Duration.ofSeconds(60);
    /** How much of an unrecognised Unity error text is kept with the operation (the raw evidence). */
    private static final int KEPT = 300;

    private UnityOutcomes() {
    }

    /** Whether Unity's error text says the token expired. */
    // evidence: veradigm.unity.error-token-inactivity
    static boolean tokenExpired(String unityError) {
        return unityError != null && unityError.toLowerCase(Locale.ROOT).contains(INACTIVITY);
    }

    // evidence: veradigm.unity.error-in-body, veradigm.unity.error-unrecognised, veradigm.limit.http-429
    // evidence: veradigm.behaviour.no-idempotency
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
        if (a.status() == 429) {
            return new SendOutcome.Retryable(RetryAfter.orElse(a.retryAfter(), AFTER_429), error(a), ex);
        }
        if (a.status() >= 500 || a.status() == 408 || (a.status() == 200 && a.json() == null)) {
            return new SendOutcome.Unknown("HTTP " + a.status() + (a.json() == null ? " without JSON" : ""), ex);
        }
        if (a.status() != 200) {
            return new SendOutcome.Rejected(error(a), ex);
        }
        String text = a.unityError();
        if (text == null) {
            return onSuccess.apply(a);
        }
        if (tokenExpired(text)) {
            // Refused for its token, so not processed: the client already fetched a new one and repeated once.
            return new SendOutcome.Retryable(Duration.ZERO, error(a), ex);
        }
        return new SendOutcome.Unknown("Unity error not recognised: " + kept(text), ex);
    }

    /** The normalized error of a call that did not succeed (lookups, listings and read-backs). */
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
            ErrorClass cls = a.status() == 429 ? ErrorClass.RATE_LIMITED
                    : a.status() >= 500 ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN;
            return new VendorError(cls, "http-" + a.status(), "HTTP " + a.status()
                    + (a.status() == 200 ? ": answer not in Unity's shape" : ""));
        }
        return new VendorError(tokenExpired(text) ? ErrorClass.AUTH : ErrorClass.UNKNOWN, CODE, kept(text));
    }

    /** The wait a failed read asked for (429's Retry-After, or the default), or null. */
    static Duration retryAfter(UnityClient.Call call) {
        return call instanceof UnityClient.Sent s && s.reply() instanceof UnityTransport.Answer a
                && a.status() == 429 ? RetryAfter.orElse(a.retryAfter(), AFTER_429) : null;
    }

    static int status(UnityClient.Call call) {
        return call instanceof UnityClient.Sent s && s.reply() instanceof UnityTransport.Answer a ? a.status() : 0;
    }

    private static String kept(String text) {
        return text.length() <= KEPT ? text : text.substring(0, KEPT) + "...";
    }

    private static VendorError authError(AuthException e) {
        return new VendorError(e.isTransient() ? ErrorClass.TRANSIENT : ErrorClass.AUTH, e.errorCode(),
                e.getMessage());
    }
}
