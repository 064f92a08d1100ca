package dev.chartbridge.ehr.auth;

import dev.chartbridge.core.ChartBridgeException;

/** The vendor's token endpoint refused or failed; carries the OAuth error code and whether retrying may help. */
public final class AuthException extends ChartBridgeException {
    private final String errorCode;
    private final boolean transientFailure;

    public AuthException(String errorCode, String message, boolean transientFailure) {
        super(message);
        this.errorCode = errorCode;
        this.transientFailure = transientFailure;
    }

    public String errorCode() {
        return errorCode;
    }

    /** True for outages and rate limits (retry later); false for refusals (invalid_client, invalid_scope). */
    public boolean isTransient() {
        return transientFailure;
    }
}
