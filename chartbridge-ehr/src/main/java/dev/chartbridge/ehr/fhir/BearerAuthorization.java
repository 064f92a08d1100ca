package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.TokenSource;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Attaches {@code Authorization: Bearer <token>} from a {@link TokenSource} to every request of a
 * {@link FhirServer}; a 401 answer marks that token refused, and {@link #call} retries once with a fresh token (a
 * token revoked or expired mid-flight): a 401 is answered before anything is processed, so the retry cannot
 * duplicate a write.
 * Thread-safe; the token a request carried is remembered per thread because the HTTP client calls the interceptor
 * on the caller's thread.
 */
public final class BearerAuthorization implements IClientInterceptor {
    private final TokenSource tokens;
    private final ThreadLocal<String> attached = new ThreadLocal<>();

    public BearerAuthorization(TokenSource tokens) {
        this.tokens = tokens;
    }

    /**
     * Makes sure a credential is at hand before a call, so a token endpoint failure surfaces here as an
     * {@link AuthException} (nothing sent) rather than inside the HTTP client.
     */
    public void ensureToken() {
        tokens.token();
    }

    /**
     * Runs {@code call}; on a 401 (whose token {@link #interceptResponse} has already marked refused) runs it once
     * more with a fresh token.
     */
    public <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (AuthenticationException e) {
            return call.get();
        }
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        String token = tokens.token();
        attached.set(token);
        request.removeHeaders("Authorization");
        request.addHeader("Authorization", "Bearer " + token);
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        String used = attached.get();
        if (response.getStatus() == 401 && used != null) {
            // revoked or expired mid-flight: the next token() fetches a new one (once, however many calls failed)
            tokens.refused(used);
        }
    }

    /** The token endpoint failure behind {@code e}, if that is what made a call fail. */
    public static Optional<AuthException> tokenFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthException a) {
                return Optional.of(a);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
