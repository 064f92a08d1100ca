package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IHttpClient;
import ca.uhn.fhir.rest.client.impl.GenericClient;
import ca.uhn.fhir.rest.client.impl.RestfulClientFactory;
import ca.uhn.fhir.rest.client.method.HttpPostClientInvocation;
import ca.uhn.fhir.rest.client.method.MethodUtil;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.Map;

/**
 * HAPI's generic client with one more call: a create whose body the caller has already encoded (and digested).
 * HAPI's own {@code create().resource(String)} parses the text again to learn its type, and
 * {@code create().resource(IBaseResource)} encodes it again; this sends the given text as it is, through the same
 * invocation, interceptors (token, timeouts, call budgets) and error handling as every other call, and reads
 * the answer as HAPI's create does (its {@code Location}, {@code ETag} and status; a body only when the server
 * sent one). Thread-safe, as HAPI's client is.
 */
final class EncodedCreates extends GenericClient {
    EncodedCreates(FhirContext context, IHttpClient http, String serverBase, RestfulClientFactory factory) {
        super(context, http, serverBase, factory);
    }

    /**
     * POSTs {@code body}, the JSON encoding of {@code resource} (which only names the type), to its type's
     * endpoint.
     *
     * @param ifNoneExist the search of a conditional create ({@code If-None-Exist}); null for a plain create
     * @param prefer      the {@code Prefer} header's {@code return=} value ({@code minimal}); null for none
     * @throws ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException for an error answer, as HAPI's calls
     * @throws ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException when no answer came
     */
    MethodOutcome create(Resource resource, String body, Map<String, List<String>> ifNoneExist, String prefer) {
        HttpPostClientInvocation post = ifNoneExist == null
                ? MethodUtil.createCreateInvocation(resource, body, getFhirContext())
                : MethodUtil.createCreateInvocation(resource, body, getFhirContext(), ifNoneExist);
        if (prefer != null) {
            post.addHeader(Constants.HEADER_PREFER, Constants.HEADER_PREFER_RETURN + '=' + prefer);
        }
        return invokeClient(getFhirContext(), (mimeType, in, status, headers) -> {
            MethodOutcome outcome = MethodUtil.process2xxResponse(getFhirContext(), status, mimeType, in, headers);
            outcome.setCreatedUsingStatusCode(status);
            outcome.setResponseStatusCode(status);
            outcome.setResponseHeaders(headers);
            return outcome;
        }, post);
    }
}
