package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.TokenSource;

import java.util.List;

/**
 * Calls one Unity Magic action: the envelope {@code {Action, AppUserID, Appname, PatientID, Token,
 * Parameter1..6, Data}} posted to {@code MagicJson} with the cached token (one GetToken for many concurrent
 * callers). Unity reports an invalid or expired token inside a 200 body; then the token is reported refused,
 * fetched again once and the call repeated once (a call refused for its token was not processed). Thread-safe.
 */
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

    /** A call as the connection's {@code appUserId}; {@code parameters}: Parameter1..n (at most six). */
    Call magic(String action, String patientId, List<String> parameters, String data) {
        return magicAs(settings.appUserId(), action, patientId, parameters, data);
    }

    /** A call as the EHR user {@code appUser}. */
    Call magicAs(String appUser, String action, String patientId, List<String> parameters, String data) {
        for (int attempt = 0; ; attempt++) {
            String token;
            try {
                token = tokens.token();
            } catch (AuthException e) {
                return new NoToken(e);
            }
            UnityTransport.Reply reply = transport.post("MagicJson",
                    envelope(appUser, action, patientId, parameters, data, token));
            if (attempt == 0 && reply instanceof UnityTransport.Answer a && tokenProblem(a.unityError())) {
                tokens.refused(token);
                continue;
            }
            return new Sent(masked(appUser, action, patientId, parameters, data), reply);
        }
    }

    /** The envelope {@link #magicAs} posts, with the token masked: what journals, digests and shadow mode show. */
    String masked(String appUser, String action, String patientId, List<String> parameters, String data) {
        return envelope(appUser, action, patientId, parameters, data, "***");
    }

    static boolean tokenProblem(String unityError) {
        return unityError != null && unityError.toLowerCase().contains("security token");
    }

    private String envelope(String appUser, String action, String patientId, List<String> parameters,
                            String data, String token) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("Action", action);
        body.put("AppUserID", appUser);
        body.put("Appname", settings.appName());
        body.put("PatientID", patientId == null ? "" : patientId);
        body.put("Token", token);
        for (int i = 0; i < 6; i++) {
            body.put("Parameter" + (i + 1), i < parameters.size() && parameters.get(i) != null ? parameters.get(i) : "");
        }
        if (data == null) {
            body.putNull("Data");
        } else {
            body.put("Data", data);
        }
        return body.toString();
    }
}
