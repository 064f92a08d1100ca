package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.RetryAfter;
import dev.chartbridge.ehr.auth.AuthException;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

/**
 * Turns what an AdvancedMD call got into the gateway's outcomes. Fault codes ride in HTTP 200 bodies: a lapsed
 * session ({@code 1025}, {@code -2147220479}) and refused logins are auth; {@code 2048}-{@code 2053} (missing or
 * invalid attribute or element, parse error, too large) say the request was refused as malformed, so nothing was
 * written. Any other fault on a write, {@code -2147217398} "Concurrent update" included, may or may not have
 * written: the outcome is unknown and is reconciled by reading the chart. A 429 QuotaViolation carries no
 * Retry-After: wait for the end of the 60 s window (an answer that names a Retry-After is waited out as it says).
 * Once a request may have left, a missing answer or a 5xx is an unknown outcome. Stateless.
 */
// evidence: amd.error.xml-codes, amd.error.concurrent-update, amd.error.unknown, amd.limit.quota-429
// evidence: amd.error.http-status
final class PpmdOutcomes {
    /** How long a refused login waits before it is tried again: an operator must fix the credentials. */
    static final Duration AFTER_LOGIN_REFUSED = Duration.ofMinutes(5);

    private PpmdOutcomes() {
    }

    static SendOutcome ofSend(PpmdClient.Call call, Exchange sent, Clock clock,
                              Function<PpmdTransport.Answer, SendOutcome> onSuccess) {
        if (call instanceof PpmdClient.Blocked b) {
            return new SendOutcome.Retryable(b.waitFor(), budgetError(b, clock), sent).unsent();
        }
        if (call instanceof PpmdClient.NoSession n) {
            return new SendOutcome.Retryable(retryAfterLogin(n.error(), clock), authError(n.error()), sent).unsent();
        }
        PpmdTransport.Reply reply = ((PpmdClient.Sent) call).reply();
        if (reply instanceof PpmdTransport.NoAnswer no) {
            return no.neverSent()
                    ? new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT, no.reason()), sent)
                    : new SendOutcome.Unknown(no.reason(), sent);
        }
        PpmdTransport.Answer a = (PpmdTransport.Answer) reply;
        Exchange ex = new Exchange(sent.request(), sent.requestDigest(), a.status());
        if (a.success()) {
            return onSuccess.apply(a);
        }
        VendorError error = error(a);
        if (a.status() == 429 || a.status() == 503) {
            return new SendOutcome.Retryable(retryAfter(call, clock), error, ex);
        }
        if (a.status() >= 500 || (a.status() == 200 && a.doc() == null)) {
            return new SendOutcome.Unknown("HTTP " + a.status() + (a.doc() == null ? " without XML" : ""), ex);
        }
        return switch (error.errorClass()) {
            case AUTH -> new SendOutcome.Retryable(Duration.ZERO, error, ex).unsent();
            case RATE_LIMITED -> new SendOutcome.Retryable(untilWindowEnds(clock), error, ex);
            case INVALID -> new SendOutcome.Rejected(error, ex);
            default -> new SendOutcome.Unknown("AdvancedMD fault " + error.vendorCode()
                    + " of unknown effect: the chart is read to tell", ex);
        };
    }

    /**
     * The outcome of a send that stopped at a failed read (the patient or visit lookup): as a send would, except
     * that a lost answer is only a reason to try again, since a read creates nothing.
     */
    static SendOutcome ofFailedLookup(PpmdClient.Call call, Exchange lookup, Clock clock) {
        SendOutcome out = ofSend(call, lookup, clock, a -> new SendOutcome.Retryable(null, error(a), lookup));
        return out instanceof SendOutcome.Unknown u
                ? new SendOutcome.Retryable(null, VendorError.of(ErrorClass.UNKNOWN, u.reason()), u.exchange()) : out;
    }

    /** The normalized error of any call that did not succeed (for searches and read-backs too). */
    static VendorError error(PpmdClient.Call call) {
        if (call instanceof PpmdClient.Blocked) {
            return VendorError.of(ErrorClass.RATE_LIMITED, "the gateway's own AdvancedMD request budget is used up");
        }
        if (call instanceof PpmdClient.NoSession n) {
            return authError(n.error());
        }
        PpmdTransport.Reply reply = ((PpmdClient.Sent) call).reply();
        if (reply instanceof PpmdTransport.NoAnswer no) {
            return VendorError.of(no.neverSent() ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN, no.reason());
        }
        return error((PpmdTransport.Answer) reply);
    }

    static VendorError error(PpmdTransport.Answer a) {
        String code = a.faultCode();
        ErrorClass cls = code == null ? byStatus(a.status())
                : PpmdClient.sessionLapsed(a) ? ErrorClass.AUTH : switch (code) {
            case "1024", "-2147220480", "1026", "1027" -> ErrorClass.AUTH;
            case "2048", "2049", "2050", "2051", "2052", "2053" -> ErrorClass.INVALID;
            case "QuotaViolation" -> ErrorClass.RATE_LIMITED;
            default -> a.status() == 429 ? ErrorClass.RATE_LIMITED : ErrorClass.UNKNOWN;
        };
        String text = a.faultText() != null ? a.faultText() : "HTTP " + a.status();
        return new VendorError(cls, code, text);
    }

    /**
     * How long a call that did not succeed asks to wait before the next: the gateway's own budget's wait, the
     * answer's {@code Retry-After}, the rest of the window after a 429; null when it names no wait.
     */
    static Duration retryAfter(PpmdClient.Call call, Clock clock) {
        if (call instanceof PpmdClient.Blocked b) {
            return b.waitFor();
        }
        if (call instanceof PpmdClient.Sent s && s.reply() instanceof PpmdTransport.Answer a
                && (a.status() == 429 || a.status() == 503)) {
            return RetryAfter.orElse(a.retryAfter(), a.status() == 429 ? untilWindowEnds(clock) : null);
        }
        return null;
    }

    private static VendorError budgetError(PpmdClient.Blocked b, Clock clock) {
        return new VendorError(ErrorClass.RATE_LIMITED, "budget", "the gateway's own AdvancedMD request budget for"
                + " this office key is used up until " + clock.instant().plus(b.waitFor()).truncatedTo(ChronoUnit.SECONDS));
    }

    static int status(PpmdClient.Call call) {
        return call instanceof PpmdClient.Sent s && s.reply() instanceof PpmdTransport.Answer a ? a.status() : 0;
    }

    private static ErrorClass byStatus(int status) {
        return switch (status) {
            case 400, 422 -> ErrorClass.INVALID;
            case 401 -> ErrorClass.AUTH;
            case 403 -> ErrorClass.FORBIDDEN;
            case 404 -> ErrorClass.NOT_FOUND;
            case 429 -> ErrorClass.RATE_LIMITED;
            default -> status >= 500 ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN;
        };
    }

    private static VendorError authError(AuthException e) {
        ErrorClass cls = "QuotaViolation".equals(e.errorCode()) ? ErrorClass.RATE_LIMITED
                : e.isTransient() ? ErrorClass.TRANSIENT : ErrorClass.AUTH;
        return new VendorError(cls, e.errorCode(), e.getMessage());
    }

    /**
     * A refused login is not final: nothing was sent, and the fix (new credentials) is configuration only, so
     * the write waits and is tried again rather than being rejected; it goes DEAD after the engine's maxSends.
     */
    private static Duration retryAfterLogin(AuthException e, Clock clock) {
        if ("QuotaViolation".equals(e.errorCode())) {
            return untilWindowEnds(clock);
        }
        return e.isTransient() ? null : AFTER_LOGIN_REFUSED;
    }

    /** AdvancedMD counts in 60 s windows and says nothing about when they end: wait for the next one. */
    static Duration untilWindowEnds(Clock clock) {
        long ms = clock.millis() % 60_000;
        return Duration.ofMillis(60_000 - ms + 1_000);
    }
}
