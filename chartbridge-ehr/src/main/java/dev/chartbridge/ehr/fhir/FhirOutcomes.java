package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import dev.chartbridge.core.adapter.ErrorClass;
import ca.uhn.fhir.rest.api.MethodOutcome;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.RetryAfter;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Turns what a FHIR server answered (or failed to answer) into the gateway's outcomes. The rule that matters:
 * once a request may have left, a failure is an unknown outcome, never a plain retry. Stateless, thread-safe.
 */
public final class FhirOutcomes {
    private FhirOutcomes() {
    }

    /** The outcome of a failed send. */
    public static SendOutcome ofSend(RuntimeException e, Exchange sent) {
        if (e instanceof BaseServerResponseException r) {
            Exchange ex = new Exchange(sent.request(), sent.requestDigest(), r.getStatusCode());
            VendorError error = error(r);
            return switch (r.getStatusCode()) {
                case 409, 412 -> new SendOutcome.Conflict(error, ex);
                case 429, 503 -> new SendOutcome.Retryable(retryAfter(r), error, ex);
                case 401 -> new SendOutcome.Retryable(Duration.ZERO, error, ex);
                default -> r.getStatusCode() >= 500 ? new SendOutcome.Unknown("HTTP " + r.getStatusCode(), ex)
                        : new SendOutcome.Rejected(error, ex);
            };
        }
        if (neverSent(e)) {
            return new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT, "could not connect"), sent);
        }
        return new SendOutcome.Unknown(reason(e), sent);
    }

    /**
     * Where a create landed, read from its {@code Location} header (absolute, or relative {@code Type/id} as Epic
     * answers, with or without {@code _history}); a body is not needed (Epic sends none). Null when the answer
     * names no location.
     */
    public static RemoteRef createdRef(String type, MethodOutcome outcome) {
        Map<String, List<String>> headers = outcome.getResponseHeaders();
        if (headers != null) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if ("location".equalsIgnoreCase(h.getKey()) && !h.getValue().isEmpty()) {
                    IdType id = new IdType(h.getValue().get(0).trim());
                    if (id.hasIdPart()) {
                        return new RemoteRef(id.hasResourceType() ? id.getResourceType() : type, id.getIdPart(),
                                id.getVersionIdPart());
                    }
                }
            }
        }
        IIdType id = outcome.getId();
        return id == null || id.getIdPart() == null ? null
                : new RemoteRef(type, id.getIdPart(), id.getVersionIdPart());
    }

    /** A normalized error for any failed call (reads and searches included). */
    public static VendorError error(RuntimeException e) {
        if (e instanceof BaseServerResponseException r) {
            return error(r);
        }
        return VendorError.of(neverSent(e) ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN, reason(e));
    }

    public static int status(RuntimeException e) {
        return e instanceof BaseServerResponseException r ? r.getStatusCode() : 0;
    }

    private static VendorError error(BaseServerResponseException r) {
        ErrorClass cls = switch (r.getStatusCode()) {
            case 400, 422 -> ErrorClass.INVALID;
            case 401 -> ErrorClass.AUTH;
            case 403 -> ErrorClass.FORBIDDEN;
            case 404, 410 -> ErrorClass.NOT_FOUND;
            case 409, 412 -> ErrorClass.CONFLICT;
            case 429 -> ErrorClass.RATE_LIMITED;
            default -> r.getStatusCode() >= 500 ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN;
        };
        String code = null;
        String text = "HTTP " + r.getStatusCode();
        if (r.getOperationOutcome() instanceof OperationOutcome oo && oo.hasIssue()) {
            OperationOutcome.OperationOutcomeIssueComponent issue = oo.getIssueFirstRep();
            code = issue.hasDetails() && issue.getDetails().hasCoding() ? issue.getDetails().getCodingFirstRep().getCode()
                    : issue.getCode() == null ? null : issue.getCode().toCode();
            text = issue.hasDiagnostics() ? issue.getDiagnostics() : issue.getDetails().getText();
        }
        return new VendorError(cls, code, text);
    }

    /** The {@code Retry-After} of the answer that failed a call; null when it named none or there was no answer. */
    public static Duration retryAfter(RuntimeException e) {
        return e instanceof BaseServerResponseException r ? retryAfter(r) : null;
    }

    /** HAPI's exception does not keep the answer's headers; {@link FhirServer} saw them. */
    private static Duration retryAfter(BaseServerResponseException r) {
        Map<String, List<String>> headers = r.getResponseHeaders();
        if (headers != null) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if ("retry-after".equalsIgnoreCase(h.getKey()) && !h.getValue().isEmpty()) {
                    return RetryAfter.parse(h.getValue().get(0));
                }
            }
        }
        return FhirServer.retryAfterOfLastAnswer();
    }

    /** Connection refused or unknown host: the request never left, so nothing can have been created. */
    public static boolean neverSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof org.apache.http.conn.ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String kind = e instanceof FhirClientConnectionException ? "no answer" : "failed";
        return kind + " (" + root.getClass().getSimpleName() + ")";
    }
}
