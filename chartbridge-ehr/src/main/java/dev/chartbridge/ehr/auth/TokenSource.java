package dev.chartbridge.ehr.auth;

/**
 * Where an adapter gets the credential for its next call. Implementations cache, refresh before expiry, and
 * fetch once for many concurrent callers (single flight). Thread-safe.
 */
public interface TokenSource {

    /** A credential valid for at least the refresh margin; fetches a new one when needed. */
    String token();

    /**
     * Tells the source that {@code token} was refused (e.g. revoked mid-flight, HTTP 401) so that the next
     * {@link #token()} fetches a new one. A refusal of an already-replaced token changes nothing, so many
     * callers failing at once cause one refresh.
     */
    void refused(String token);
}
