package dev.chartbridge.ehr.ecw;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.ehr.auth.TokenFetcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One practice's call budget, kept on the gateway's side so the gateway itself never trips eClinicalWorks' rate
 * limit (250 calls per minute per practice base URL, token requests included, then 429 for the rest of the minute).
 * At most {@code calls} requests leave in any rolling {@code window}; a rolling window never holds more than any
 * fixed (clock-aligned) window of the same length does, so whatever minute boundaries eCW counts by, it counts at
 * most {@code calls}. Callers over the budget wait. Every FHIR request (as a HAPI interceptor) and every token
 * request ({@link #counting(TokenFetcher)}) is counted. Thread-safe.
 */
public final class PracticeCallBudget implements IClientInterceptor {
    private final int calls;
    private final Duration window;
    private final Clock clock;
    private final ArrayDeque<Instant> sent = new ArrayDeque<>();

    /**
     * @param calls  requests allowed per window (below the vendor's limit, leaving a margin)
     * @param window the vendor's window, padded for network delay between leaving here and being counted there
     */
    public PracticeCallBudget(int calls, Duration window, Clock clock) {
        if (calls <= 0 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a call budget needs calls > 0 and a positive window");
        }
        this.calls = calls;
        this.window = window;
        this.clock = clock;
    }

    /** Waits until one more request fits in the budget and counts it. */
    public synchronized void acquire() {
        while (true) {
            Instant now = clock.instant();
            while (!sent.isEmpty() && !sent.peekFirst().plus(window).isAfter(now)) {
                sent.pollFirst();
            }
            if (sent.size() < calls) {
                sent.addLast(now);
                return;
            }
            long waitMs = Math.max(1, Duration.between(now, sent.peekFirst().plus(window)).toMillis() + 1);
            try {
                wait(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChartBridgeException("interrupted while waiting for the practice's call budget");
            }
        }
    }

    /** {@code fetcher} with each token request counted against this budget (eCW counts them). */
    public TokenFetcher counting(TokenFetcher fetcher) {
        return () -> {
            acquire();
            return fetcher.fetch();
        };
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        acquire();
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        // counted when it left
    }
}
