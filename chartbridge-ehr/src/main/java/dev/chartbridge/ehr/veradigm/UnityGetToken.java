package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.intake.Json;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.IssuedToken;
import dev.chartbridge.ehr.auth.TokenFetcher;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unity's {@code GetToken}: username, password and application name in, the bare security token out; a refusal
 * is {@code error: ...} text in a 200. Unity publishes no token lifetime, so the connection's
 * {@code tokenMinutes} (default 20) is assumed and an invalid or expired token is refreshed when Unity says so.
 * Wrap in a {@code CachingTokenSource} (single flight). Thread-safe.
 */
final class UnityGetToken implements TokenFetcher {
    private final VeradigmSettings settings;
    private final UnityTransport transport;
    private final Clock clock;

    UnityGetToken(VeradigmSettings settings, UnityTransport transport, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
    }

    @Override
    public IssuedToken fetch() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Username", settings.username());
        body.put("Password", settings.password());
        body.put("Appname", settings.appName());
        UnityTransport.Reply reply = transport.post("GetToken", Json.MAPPER.valueToTree(body).toString());
        if (reply instanceof UnityTransport.NoAnswer no) {
            throw new AuthException("unreachable", "Unity GetToken: " + no.reason(), true);
        }
        UnityTransport.Answer a = (UnityTransport.Answer) reply;
        if (a.status() != 200) {
            throw new AuthException("http-" + a.status(), "Unity GetToken: HTTP " + a.status(),
                    a.status() == 429 || a.status() >= 500);
        }
        String text = a.text() == null ? "" : a.text().trim();
        if (text.startsWith("\"") && text.endsWith("\"") && text.length() > 1) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty() || text.regionMatches(true, 0, "error", 0, 5)) {
            throw new AuthException("GetToken", "Unity GetToken refused: " + (text.isEmpty() ? "empty answer" : text),
                    false);
        }
        return new IssuedToken(text, clock.instant().plus(settings.tokenLifetime()));
    }
}
