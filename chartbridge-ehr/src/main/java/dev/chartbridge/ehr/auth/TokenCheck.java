package dev.chartbridge.ehr.auth;

import dev.chartbridge.core.adapter.ConnectionCheck;

/**
 * Checks a connection by its credential: whether a token (or session) can be had from the connection's
 * {@link TokenSource}. A source that caches answers from its cache while its token is valid, so a periodic check
 * costs no token request (nor, at AdvancedMD, a login) beyond what the next write would make anyway, and a source
 * that remembers a failure answers from that memory. Stateless; thread-safe.
 */
public final class TokenCheck {
    private TokenCheck() {
    }

    /** UP with {@code upDetail} when a token can be had; DOWN naming what failed, never a credential. */
    public static ConnectionCheck of(TokenSource tokens, String upDetail) {
        try {
            tokens.token();
            return ConnectionCheck.up(upDetail);
        } catch (AuthException e) {
            return ConnectionCheck.down("no token: " + (e.errorCode() == null ? "the token endpoint failed"
                    : "the token endpoint answered " + e.errorCode()));
        } catch (RuntimeException e) {
            // Interrupted (the node stopping) before the request left, e.g. in a call budget's wait: nothing known.
            return Thread.currentThread().isInterrupted() ? ConnectionCheck.cutShort("no token")
                    : ConnectionCheck.down("no token: the token endpoint could not be reached");
        }
    }
}
