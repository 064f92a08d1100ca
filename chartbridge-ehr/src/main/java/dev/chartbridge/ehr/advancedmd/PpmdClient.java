package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.TokenSource;

import java.time.Duration;

/**
 * Calls one AdvancedMD action within a session: takes the cached session (one login for many concurrent
 * callers), takes a request from the office key's budget, posts, and on fault 1025 "Session has timed out"
 * reports the session refused, logs in again once and repeats the call once (an action refused for its
 * session was not processed, so repeating it cannot duplicate). Thread-safe.
 */
final class PpmdClient {
    static final String SESSION_TIMED_OUT = "1025";

    private final TokenSource sessions;
    private final PpmdTransport transport;
    private final QuotaBudget budget;

    PpmdClient(TokenSource sessions, PpmdTransport transport, QuotaBudget budget) {
        this.sessions = sessions;
        this.transport = transport;
        this.budget = budget;
    }

    /** How a call ended. */
    sealed interface Call {
    }

    /** The request was posted; here is what came back. */
    record Sent(PpmdTransport.Reply reply) implements Call {
    }

    /** The gateway's budget had no room (nothing was sent); try again after {@code wait}. */
    record Blocked(Duration waitFor) implements Call {
    }

    /** No session could be had; nothing was sent. */
    record NoSession(AuthException error) implements Call {
    }

    Call call(String xml) {
        for (int attempt = 0; ; attempt++) {
            String raw;
            try {
                raw = sessions.token();
            } catch (QuotaWait e) {
                return new Blocked(e.waitFor());
            } catch (AuthException e) {
                return new NoSession(e);
            }
            Duration wait = budget.tryTake(1);
            if (wait != null) {
                return new Blocked(wait);
            }
            SessionLogin.Session session = SessionLogin.Session.decode(raw);
            PpmdTransport.Reply reply = transport.post(session.endpoint(), xml, session.token());
            if (attempt == 0 && reply instanceof PpmdTransport.Answer a && SESSION_TIMED_OUT.equals(a.faultCode())) {
                sessions.refused(raw);
                continue;
            }
            return new Sent(reply);
        }
    }
}
