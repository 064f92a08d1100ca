package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import dev.chartbridge.core.trace.Traces;

/**
 * Sends the current trace to the FHIR server as W3C Trace Context ({@code traceparent}, and {@code tracestate}
 * when there is one; https://www.w3.org/TR/trace-context/), so an EHR that traces can join the gateway's trace.
 * Per connection: setting {@code propagateTrace} ({@code true} by default for the generic FHIR target, whose
 * servers are often the operator's own, and a recipient ignores a header field it does not recognise: RFC 9110
 * section 5.1; {@code false} by default for vendors: no vendor document says its gateway accepts it, assumed).
 * Nothing is sent when no span is current. Stateless; thread-safe.
 */
final class TraceparentHeader implements IClientInterceptor {
    /** Whether a connection's {@code propagateTrace} setting (or its default) turns propagation on. */
    static boolean on(String setting, boolean byDefault) {
        return setting == null ? byDefault : Boolean.parseBoolean(setting.trim());
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        Traces.inject(request::addHeader);
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        // nothing to read back
    }
}
