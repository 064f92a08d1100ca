package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.TokenSource;

import java.util.List;

/**
 * Calls one Unity Magic action as the connection's EHR user: the envelope {@code {Action, AppUserID, Appname,
 * PatientID, Token, Parameter1..6, Data}} posted to {@code MagicJson} with the cached token (fetched and bound to
 * the user once for many concurrent callers). When Unity answers that the token expired, the token is reported
 * refused, fetched again once and the call repeated once (a call refused for its token was not processed). Any
 * other error text also drops the token, without repeating the call: it may be a token wording nobody published,
 * and the next call then starts with a fresh one. Thread-safe.
 */
// evidence: veradigm.unity.magic-envelope, veradigm.auth.one-user-per-token
final class UnityClient {
    private final TokenSource tokens;
    private final UnityTransport transport;
    private final VeradigmSettings settings;

    UnityClient(TokenSource tokens, UnityTransport transport, VeradigmSettings settings) {
        this.tokens = tokens;
        this.transport = transport;
        this.settings = settings;
    }

    sealed interface Call {
    }

    /** Posted; the body sent (token masked, for digests and journals) and what came back. */
    record Sent(String maskedBody, UnityTransport.Reply reply) implements Call {
    }

    /** No token could be had; nothing was sent. */
    record NoToken(AuthException error) implements Call {
    }

    /** {@code parameters}: Parameter1..n (at most six; null or missing ones are sent empty). */
    // evidence: veradigm.unity.error-token-inactivity, veradigm.unity.error-unrecognised
    Call magic(String action, String patientId, List<String> parameters) {
        for (int attempt = 0; ; attempt++) {
            String token;
            try {
                token = tokens.token();
            } catch (AuthException e) {
                return new NoToken(e);
            }
            UnityTransport.Reply reply = transport.post("MagicJson",
                    envelope(settings.appUserId(), settings.appName(), action, patientId, parameters, token));
            String error = reply instanceof UnityTransport.Answer a ? a.unityError() : null;
            if (error != null) {
                tokens.refused(token);
                if (attempt == 0 && UnityOutcomes.tokenExpired(error)) {
                    continue;
                }
            }
            return new Sent(masked(action, patientId, parameters), reply);
        }
    }

    /** The envelope {@link #magic} posts, with the token masked: what journals, digests and shadow mode show. */
    String masked(String action, String patientId, List<String> parameters) {
        return envelope(settings.appUserId(), settings.appName(), action, patientId, parameters, "***");
    }

    static String envelope(String appUser, String appName, String action, String patientId, List<String> parameters,
                           String token) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("Action", action);
        body.put("AppUserID", appUser);
        body.put("Appname", appName);
        body.put("PatientID", patientId == null ? "" : patientId);
        body.put("Token", token);
        for (int i = 0; i < 6; i++) {
            body.put("Parameter" + (i + 1), i < parameters.size() && parameters.get(i) != null ? parameters.get(i) : "");
        }
        body.put("Data", "");
        return body.toString();
    }
}
