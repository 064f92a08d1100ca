package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.TokenSource;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Calls one AdvancedMD action within a session: takes the cached session (one login for many concurrent callers),
 * takes a call from the budget of the action's cost class, posts, and when the answer says the session has lapsed
 * (fault {@code 1025} or {@code -2147220479}, or {@code -2147219456} "User Context invalid") reports the session
 * refused, logs in again once and repeats the call once. Repeating is safe only because such an answer means the
 * action was refused before it ran; a lost answer is never repeated here. Thread-safe.
 */
// evidence: amd.session.expiry, amd.session.user-context-invalid, amd.session.usercontext-child, amd.request.msgtime
final class PpmdClient {
    static final Set<String> SESSION_LAPSED = Set.of("1025", "-2147220479");
    static final String USER_CONTEXT = "-2147219456";

    private final TokenSource sessions;
    private final PpmdTransport transport;
    private final CallBudget budget;
    private final AdvancedMdSettings settings;
    private final Clock clock;

    PpmdClient(TokenSource sessions, PpmdTransport transport, CallBudget budget, AdvancedMdSettings settings,
               Clock clock) {
        this.sessions = sessions;
        this.transport = transport;
        this.budget = budget;
        this.settings = settings;
        this.clock = clock;
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

    Call call(PpmdRequest request) {
        for (int attempt = 0; ; attempt++) {
            String raw;
            try {
                raw = sessions.token();
            } catch (QuotaWait e) {
                return new Blocked(e.waitFor());
            } catch (AuthException e) {
                return new NoSession(e);
            }
            Duration wait = budget.tryTake(request.tier());
            if (wait != null) {
                return new Blocked(wait);
            }
            SessionLogin.Session session = SessionLogin.Session.decode(raw);
            PpmdTransport.Reply reply = transport.post(session.endpoint(),
                    request.xml(SessionLogin.msgtime(clock, settings), session.token()));
            if (attempt == 0 && reply instanceof PpmdTransport.Answer a && sessionLapsed(a)) {
                sessions.refused(raw);
                continue;
            }
            return new Sent(reply);
        }
    }

    static boolean sessionLapsed(PpmdTransport.Answer a) {
        String code = a.faultCode();
        return code != null && (SESSION_LAPSED.contains(code) || USER_CONTEXT.equals(code)
                && a.faultText() != null && a.faultText().toLowerCase().contains("user context invalid"));
    }
}
