package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.IssuedToken;
import dev.chartbridge.ehr.auth.TokenFetcher;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Unity token ready for Magic calls: {@code GetToken} with the service account (the bare token as text, a
 * refusal as {@code error: ...} text in a 200), then {@code GetUserAuthentication} binding it to the connection's
 * EHR user with that user's own password ({@code ValidUser} YES). A NO, or any answer not in that shape, is a
 * failed login: the token is not used. Unity publishes no token lifetime; the connection's {@code tokenMinutes}
 * (default 20) is assumed and an expired token is refreshed when Unity says so. Wrap in a
 * {@code CachingTokenSource} (single flight). Thread-safe.
 */
final class UnityGetToken implements TokenFetcher {
    /** What a token looks like (a GUID, possibly quoted), as the reference client checks it. */
    private static final Pattern TOKEN = Pattern.compile("^\"?[\\w-]+\"?$");

    private final VeradigmSettings settings;
    private final UnityTransport transport;
    private final Clock clock;

    UnityGetToken(VeradigmSettings settings, UnityTransport transport, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
    }

    // evidence: veradigm.auth.get-token, veradigm.endpoint.get-token, veradigm.auth.token-lifetime
    @Override
    public IssuedToken fetch() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Username", settings.username());
        body.put("Password", settings.password());
        body.put("Appname", settings.appName());
        UnityTransport.Answer a = answer(transport.post("GetToken", Json.MAPPER.valueToTree(body).toString()),
                "GetToken");
        String text = a.text() == null ? "" : a.text().trim();
        if (!TOKEN.matcher(text).matches() || text.toLowerCase().contains("error:")) {
            throw new AuthException("GetToken", "Unity GetToken refused: " + (text.isEmpty() ? "empty answer"
                    : text.length() > 200 ? text.substring(0, 200) : text), false);
        }
        String token = text.replace("\"", "");
        authenticate(token);
        return new IssuedToken(token, clock.instant().plus(settings.tokenLifetime()));
    }

    /** Binds the token to the EHR user; throws unless Unity says the user is valid. */
    // evidence: veradigm.auth.get-user-authentication, veradigm.endpoint.get-user-authentication
    private void authenticate(String token) {
        String request = UnityClient.envelope(settings.appUserId(), settings.appName(), "GetUserAuthentication", "",
                List.of(settings.appUserPassword()), token);
        UnityTransport.Answer a = answer(transport.post("MagicJson", request), "GetUserAuthentication");
        if (a.unityError() != null) {
            throw new AuthException("GetUserAuthentication", "Unity GetUserAuthentication: " + a.unityError(),
                    false);
        }
        List<UnityRow> rows = UnityAnswer.rows("GetUserAuthentication", a.json());
        String valid = rows == null || rows.isEmpty() ? null : rows.get(0).text("ValidUser");
        if (!"YES".equalsIgnoreCase(valid)) {
            throw new AuthException("GetUserAuthentication", valid == null
                    ? "Unity GetUserAuthentication answered in a shape the gateway does not recognise"
                    : "Unity GetUserAuthentication refused the EHR user (ValidUser " + valid + ")", false);
        }
    }

    private static UnityTransport.Answer answer(UnityTransport.Reply reply, String step) {
        if (reply instanceof UnityTransport.NoAnswer no) {
            throw new AuthException("unreachable", "Unity " + step + ": " + no.reason(), true);
        }
        UnityTransport.Answer a = (UnityTransport.Answer) reply;
        if (a.status() != 200) {
            throw new AuthException("http-" + a.status(), "Unity " + step + ": HTTP " + a.status(),
                    a.status() == 429 || a.status() >= 500);
        }
        return a;
    }
}
