package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.IssuedToken;
import dev.chartbridge.ehr.auth.TokenFetcher;
import org.w3c.dom.Element;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * AdvancedMD's session login: the partner login answers the practice's {@code webserver}; the same login posted
 * there answers the session token. The issued credential is {@link Session#encode() webserver and token
 * together}, so one cached value says where and as whom to call. A refused login is remembered for a minute and
 * not repeated meanwhile: many writes failing at once must not lock the API user out. Wrap in a
 * {@code CachingTokenSource} (single flight). Thread-safe.
 */
final class SessionLogin implements TokenFetcher {
    static final String ENDPOINT = "/xmlrpc/processrequest.aspx";
    private static final Duration REMEMBER_REFUSAL = Duration.ofMinutes(1);
    private static final DateTimeFormatter MSGTIME = DateTimeFormatter.ofPattern("MM/dd/yyyy hh:mm:ss a", Locale.US);

    private final AdvancedMdSettings settings;
    private final PpmdTransport transport;
    private final QuotaBudget budget;
    private final Clock clock;
    private volatile AuthException lastRefusal;
    private volatile Instant lastRefusalAt = Instant.MIN;

    SessionLogin(AdvancedMdSettings settings, PpmdTransport transport, QuotaBudget budget, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.budget = budget;
        this.clock = clock;
    }

    /** A live session: the practice's web server and the token. */
    record Session(String webserver, String token) {
        String encode() {
            return webserver + " " + token;
        }

        static Session decode(String value) {
            int space = value.indexOf(' ');
            return new Session(value.substring(0, space), value.substring(space + 1));
        }

        String endpoint() {
            return webserver + ENDPOINT;
        }
    }

    @Override
    public IssuedToken fetch() {
        AuthException refused = lastRefusal;
        if (refused != null && lastRefusalAt.plus(REMEMBER_REFUSAL).isAfter(clock.instant())) {
            throw refused;
        }
        Duration wait = budget.tryTake(2);
        if (wait != null) {
            throw new QuotaWait(wait);
        }
        String xml = loginXml();
        Element partner = login(settings.partnerLoginUrl(), xml);
        String webserver = partner == null ? "" : partner.getAttribute("webserver");
        if (webserver.isBlank()) {
            throw new AuthException("no-webserver", "AdvancedMD partner login named no web server", true);
        }
        Element session = login(webserver + ENDPOINT, xml);
        String token = session == null ? "" : session.getTextContent().trim();
        if (token.isEmpty()) {
            throw new AuthException("no-token", "AdvancedMD login answered no session token", true);
        }
        lastRefusal = null;
        return new IssuedToken(new Session(webserver, token).encode(), clock.instant().plus(settings.sessionLifetime()));
    }

    private Element login(String url, String xml) {
        PpmdTransport.Reply reply = transport.post(url, xml, null);
        if (reply instanceof PpmdTransport.NoAnswer no) {
            throw new AuthException("unreachable", "AdvancedMD login: " + no.reason(), true);
        }
        PpmdTransport.Answer answer = (PpmdTransport.Answer) reply;
        if (answer.status() == 429) {
            throw new AuthException("QuotaViolation", "AdvancedMD login: HTTP 429 " + answer.faultText(), true);
        }
        if (answer.status() != 200 || answer.doc() == null) {
            throw new AuthException("http-" + answer.status(), "AdvancedMD login: HTTP " + answer.status(), true);
        }
        if (answer.faultCode() != null) {
            AuthException e = new AuthException(answer.faultCode(), "AdvancedMD login refused: " + answer.faultText(),
                    false);
            lastRefusal = e;
            lastRefusalAt = clock.instant();
            throw e;
        }
        return PpmdXml.first(answer.doc(), "usercontext");
    }

    private String loginXml() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("msgtime", MSGTIME.format(clock.instant().atZone(java.time.ZoneOffset.UTC)));
        attributes.put("username", settings.username());
        attributes.put("psw", settings.password());
        attributes.put("officecode", settings.officeKey());
        attributes.put("appname", settings.appName());
        return PpmdXml.message("login", "login", attributes, Map.of());
    }
}
