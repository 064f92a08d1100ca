package dev.chartbridge.ehr.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Counts one connection's token (or session) requests by outcome: {@code chartbridge_token_requests_total
 * {tenant,connection,vendor,outcome}}, {@code outcome} {@code issued} or {@code failed}. Requests answered from the
 * cache are not counted: each count is a call to the vendor. Thread-safe.
 */
public final class TokenMetrics {
    /** Counts nothing (tests, tools). */
    public static final TokenMetrics NONE = new TokenMetrics(null, Tags.empty());

    private final Counter issued;
    private final Counter failed;

    public TokenMetrics(MeterRegistry registry, Tags connection) {
        this.issued = registry == null ? null : counter(registry, connection, "issued");
        this.failed = registry == null ? null : counter(registry, connection, "failed");
    }

    private static Counter counter(MeterRegistry registry, Tags connection, String outcome) {
        return Counter.builder("chartbridge.token.requests").description("Token or session requests to the EHR by"
                + " outcome").tags(connection).tag("outcome", outcome).register(registry);
    }

    void issued() {
        if (issued != null) {
            issued.increment();
        }
    }

    void failed() {
        if (failed != null) {
            failed.increment();
        }
    }
}
