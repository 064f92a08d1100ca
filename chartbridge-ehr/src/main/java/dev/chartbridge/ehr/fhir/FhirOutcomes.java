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
import java.util.Set;

/**
 * The one table of what a FHIR server's answers mean to the gateway (documented per vendor in
 * {@code docs/fhir-answers.md}; each row has a test). The rule that matters: once a request may have left, a
 * failure is an unknown outcome, never a plain retry. No answer (timeout, reset) is recorded as no answer (HTTP
 * status 0), never as an HTTP status; a connection that was never made (refused, unknown host, connect timeout)
 * sent nothing. 408 means the server processed nothing, so it is retried; 409 and 412 on a conditional create, and
 * a vendor's "already on the chart" codes, mean the record exists: find it ({@link #meansAlreadyThere}). A lookup
 * before a write that failed for a passing reason defers the write, unsent ({@link #lookupFailure}).
 * Stateless, thread-safe.
 */
public final class FhirOutcomes {
    private FhirOutcomes() {
    }

    /** The outcome of a failed send. */
    public static SendOutcome ofSend(RuntimeException e, Exchange sent) {
        if (noAnswer(e)) {
            Exchange none = new Exchange(sent.request(), sent.requestDigest(), 0);
            // evidence: fhir.answer.no-connection
            return neverSent(e) ? new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT,
                    "could not connect"), none).unsent() : new SendOutcome.Unknown(reason(e), none);
        }
        if (e instanceof BaseServerResponseException r) {
            Exchange ex = new Exchange(sent.request(), sent.requestDigest(), r.getStatusCode());
            VendorError error = error(r);
            return switch (r.getStatusCode()) {
                case 409, 412 -> new SendOutcome.Conflict(error, ex);
                // evidence: fhir.answer.408
                case 408, 429, 503 -> new SendOutcome.Retryable(retryAfter(r), error, ex);
                case 401 -> new SendOutcome.Retryable(Duration.ZERO, error, ex);
                default -> r.getStatusCode() >= 500 ? new SendOutcome.Unknown("HTTP " + r.getStatusCode(), ex)
                        : new SendOutcome.Rejected(error, ex);
            };
        }
        if (neverSent(e)) {
            return new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT, "could not connect"), sent)
                    .unsent();
        }
        return new SendOutcome.Unknown(reason(e), new Exchange(sent.request(), sent.requestDigest(), 0));
    }

    /**
     * Whether a failed create means the record is already there, so the write is looked for instead of failed:
     * 409 or 412 answering a conditional create (FHIR http.html#ccreate: several matches, or a concurrent create
     * of the same match), or an answer carrying one of the vendor's {@code duplicateCodes} (Epic 59141, 59189).
     */
    public static boolean meansAlreadyThere(RuntimeException e, boolean conditionalCreate, Set<String> duplicateCodes) {
        if (!(e instanceof BaseServerResponseException r) || noAnswer(e)) {
            return false;
        }
        if (conditionalCreate && (r.getStatusCode() == 409 || r.getStatusCode() == 412)) {
            return true; // evidence: fhir.answer.conditional-create-409-412
        }
        String code = error(r).vendorCode();
        return code != null && duplicateCodes.contains(code);
    }

    /**
     * A lookup before a write (patient, encounter) failed. Definitive answers refuse the write: no match, a closed
     * or another patient's encounter ({@code INVALID}), a refused scope ({@code FORBIDDEN}), {@code NOT_FOUND},
     * {@code UNSUPPORTED}; several matches go to a human. Anything passing (no connection, no answer, 408, 429, 5xx,
     * 401, an error outcome in the searchset) sent nothing and defers the write, after the answer's
     * {@code Retry-After} where it named one.
     */
    public static SendOutcome lookupFailure(VendorError error, Exchange exchange, Duration retryAfter) {
        if ("ambiguous".equals(error.vendorCode())) {
            return new SendOutcome.NeedsReview(error, exchange);
        }
        return switch (error.errorClass()) {
            case INVALID, FORBIDDEN, NOT_FOUND, UNSUPPORTED -> new SendOutcome.Rejected(error, exchange);
            default -> new SendOutcome.Retryable(retryAfter, error.errorClass() == ErrorClass.UNKNOWN
                    ? new VendorError(ErrorClass.TRANSIENT, error.vendorCode(), error.message()) : error, exchange)
                    .unsent();
        };
    }

    /**
     * The version an update left, for a record whose id is known: from the answer's {@code Location} (absolute, or
     * relative {@code Type/id/_history/v}), else its {@code ETag} (FHIR R4 http.html#update: the server SHOULD return
     * one with the versionId), else the resource HAPI read from the answer's body; null when
     * the answer names none (the caller keeps the version it had, and the next conditional update's {@code If-Match}
     * finds out). Not for creates: where a create landed is read by {@link #locationRef} only.
     */
    public static String updatedVersion(MethodOutcome outcome) {
        String location = header(outcome, "location");
        if (location != null) {
            IdType id = new IdType(location.trim());
            if (id.hasVersionIdPart()) {
                return id.getVersionIdPart();
            }
        }
        String etag = etagVersion(header(outcome, "etag"));
        if (etag != null) {
            return etag;
        }
        IIdType id = outcome.getId();
        return id == null ? null : id.getVersionIdPart();
    }

    /**
     * Where a create landed, from its {@code Location} header only (absolute, or relative {@code Type/id} as Epic
     * answers, with or without {@code _history}; whether the create asked {@code Prefer: return=minimal} or, as to
     * Epic and eClinicalWorks, nothing, whose answer has an empty body): the id
     * and, from its {@code _history} segment or else the {@code ETag} ({@code W/"3"}), the version (FHIR R4
     * http.html#create: the server SHALL return a Location with the new logical id and version id; #ccreate: a
     * conditional create matching one record answers 200 with the headers a create would have had). Null when
     * there is no usable Location: the caller treats the outcome as unknown and reconciles it, never taking an id
     * from anywhere else (a body, a {@code Content-Location}).
     */
    public static RemoteRef locationRef(String type, MethodOutcome outcome) {
        String location = header(outcome, "location");
        if (location == null) {
            return null;
        }
        IdType id = new IdType(location.trim());
        if (!id.hasIdPart() || (id.hasResourceType() && !id.getResourceType().equals(type))) {
            return null;
        }
        String version = id.hasVersionIdPart() ? id.getVersionIdPart() : etagVersion(header(outcome, "etag"));
        return new RemoteRef(type, id.getIdPart(), version);
    }

    /** The version an {@code ETag} names ({@code W/"3"} or {@code "3"}); null for none. */
    static String etagVersion(String etag) {
        if (etag == null) {
            return null;
        }
        String v = etag.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
        return v.isEmpty() ? null : v;
    }

    private static String header(MethodOutcome outcome, String name) {
        Map<String, List<String>> headers = outcome.getResponseHeaders();
        if (headers != null) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (name.equalsIgnoreCase(h.getKey()) && h.getValue() != null && !h.getValue().isEmpty()) {
                    return h.getValue().get(0);
                }
            }
        }
        return null;
    }

    /** A normalized error for any failed call (reads and searches included). */
    public static VendorError error(RuntimeException e) {
        if (!noAnswer(e) && e instanceof BaseServerResponseException r) {
            return error(r);
        }
        return VendorError.of(neverSent(e) ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN, reason(e));
    }

    /** The HTTP status the server answered, 0 when no answer arrived (HAPI reports those as a 500). */
    public static int status(RuntimeException e) {
        return !noAnswer(e) && e instanceof BaseServerResponseException r ? r.getStatusCode() : 0;
    }

    /** No HTTP answer arrived: HAPI wraps every I/O failure in a {@link FhirClientConnectionException}. */
    static boolean noAnswer(Throwable e) {
        return e instanceof FhirClientConnectionException || !(e instanceof BaseServerResponseException);
    }

    private static VendorError error(BaseServerResponseException r) {
        ErrorClass cls = switch (r.getStatusCode()) {
            case 400, 422 -> ErrorClass.INVALID;
            case 401 -> ErrorClass.AUTH;
            case 403 -> ErrorClass.FORBIDDEN;
            case 404, 410 -> ErrorClass.NOT_FOUND;
            case 409, 412 -> ErrorClass.CONFLICT;
            case 408 -> ErrorClass.TRANSIENT;
            case 429 -> ErrorClass.RATE_LIMITED;
            default -> r.getStatusCode() >= 500 ? ErrorClass.TRANSIENT : ErrorClass.UNKNOWN;
        };
        String code = null;
        String text = "HTTP " + r.getStatusCode();
        if (r.getOperationOutcome() instanceof OperationOutcome oo && oo.hasIssue()) {
            OperationOutcome.OperationOutcomeIssueComponent issue = oo.getIssueFirstRep();
            code = issueCode(issue);
            text = issueText(issue);
        }
        return new VendorError(cls, code, text);
    }

    /** An issue's vendor code ({@code details.coding.code}, where Epic puts its numbers), else its issue type. */
    static String issueCode(OperationOutcome.OperationOutcomeIssueComponent issue) {
        return issue.hasDetails() && issue.getDetails().hasCoding() ? issue.getDetails().getCodingFirstRep().getCode()
                : issue.getCode() == null ? null : issue.getCode().toCode();
    }

    static String issueText(OperationOutcome.OperationOutcomeIssueComponent issue) {
        return issue.hasDiagnostics() ? issue.getDiagnostics() : issue.getDetails().getText();
    }

    /** The {@code Retry-After} of the answer that failed a call; null when it named none or there was no answer. */
    public static Duration retryAfter(RuntimeException e) {
        return !noAnswer(e) && e instanceof BaseServerResponseException r ? retryAfter(r) : null;
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
