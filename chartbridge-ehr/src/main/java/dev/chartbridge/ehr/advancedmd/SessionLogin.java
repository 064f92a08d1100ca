package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.IssuedToken;
import dev.chartbridge.ehr.auth.TokenFetcher;
import org.w3c.dom.Element;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * AdvancedMD's session login. The login is posted to the partner login; it answers either the session (success)
 * or the fault {@code -2147220476} whose {@code <usercontext webserver>} names the practice's web server, to which
 * the same login is posted again. The issued credential is {@link Session#encode() endpoint and token together},
 * so one cached value says where and as whom to call. Credentials are re-posted only to the partner login's own
 * origin or to an https AdvancedMD host. One login exchange takes one slot of the login budget. A refused login is
 * remembered and not repeated for a while: many writes failing at once must not lock the API user out. Wrap in a
 * {@code CachingTokenSource} (single flight). Thread-safe.
 */
// evidence: amd.login, amd.login.redirect-fault, amd.login.redirect-host, amd.login.token, amd.login.refused-codes
// evidence: amd.login.limit, amd.request.msgtime, amd.session.lifetime
final class SessionLogin implements TokenFetcher {
    static final String ENDPOINT = "/xmlrpc/processrequest.aspx";
    static final String REDIRECT = "-2147220476";
    /** Account locked after failed logins: retrying makes it worse. */
    static final String LOCKED = "-2147220474";
    private static final Set<String> WAIT_LONGER = Set.of(LOCKED, "-2147220449");
    private static final Duration REMEMBER_REFUSAL = Duration.ofMinutes(1);
    static final DateTimeFormatter MSGTIME = DateTimeFormatter.ofPattern("MM/dd/yyyy hh:mm:ss a", Locale.US);

    private final AdvancedMdSettings settings;
    private final PpmdTransport transport;
    private final CallBudget budget;
    private final Clock clock;
    private volatile AuthException lastRefusal;
    private volatile Instant lastRefusalAt = Instant.MIN;

    SessionLogin(AdvancedMdSettings settings, PpmdTransport transport, CallBudget budget, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.budget = budget;
        this.clock = clock;
    }

    /** A live session: the URL that answered the login and the token. */
    record Session(String endpoint, String token) {
        String encode() {
            return endpoint + " " + token;
        }

        static Session decode(String value) {
            int space = value.indexOf(' ');
            return new Session(value.substring(0, space), value.substring(space + 1));
        }
    }

    @Override
    public IssuedToken fetch() {
        AuthException refused = lastRefusal;
        Duration remember = refused != null && WAIT_LONGER.contains(refused.errorCode())
                ? Duration.ofMinutes(30) : REMEMBER_REFUSAL;
        if (refused != null && lastRefusalAt.plus(remember).isAfter(clock.instant())) {
            throw refused;
        }
        Duration wait = budget.tryTake(ActionTier.LOGIN);
        if (wait != null) {
            throw new QuotaWait(wait);
        }
        String xml = loginXml();
        String url = settings.partnerLoginUrl();
        PpmdTransport.Answer answer = login(url, xml);
        if (REDIRECT.equals(answer.faultCode())) {
            url = redirect(answer);
            answer = login(url, xml);
        }
        if (answer.faultCode() != null || !answer.success()) {
            throw refused(answer);
        }
        Element context = PpmdXml.first(answer.doc(), "usercontext");
        String token = context == null ? "" : context.getTextContent().trim();
        if (token.isEmpty()) {
            throw new AuthException("no-token", "AdvancedMD login answered no session token", true);
        }
        lastRefusal = null;
        return new IssuedToken(new Session(url, token).encode(), clock.instant().plus(settings.sessionLifetime()));
    }

    private PpmdTransport.Answer login(String url, String xml) {
        PpmdTransport.Reply reply = transport.post(url, xml);
        if (reply instanceof PpmdTransport.NoAnswer no) {
            throw new AuthException("unreachable", "AdvancedMD login: " + no.reason(), true);
        }
        PpmdTransport.Answer answer = (PpmdTransport.Answer) reply;
        if (answer.status() == 429) {
            throw new AuthException("QuotaViolation", "AdvancedMD login: HTTP 429", true);
        }
        if (answer.status() != 200 || answer.doc() == null) {
            throw new AuthException("http-" + answer.status(), "AdvancedMD login: HTTP " + answer.status(), true);
        }
        return answer;
    }

    /** The web server the redirect fault names, if credentials may be posted there. */
    private String redirect(PpmdTransport.Answer answer) {
        Element context = PpmdXml.first(answer.doc(), "usercontext");
        String webserver = context == null ? "" : context.getAttribute("webserver").trim();
        if (webserver.isEmpty()) {
            throw new AuthException("no-webserver", "AdvancedMD login redirect named no web server", true);
        }
        if (!webserver.contains("//")) {
            webserver = "https://" + webserver;
        }
        URI target = URI.create(webserver);
        URI partner = URI.create(settings.partnerLoginUrl());
        boolean sameOrigin = target.getScheme().equals(partner.getScheme())
                && target.getHost().equalsIgnoreCase(partner.getHost()) && target.getPort() == partner.getPort();
        boolean advancedMd = "https".equals(target.getScheme()) && target.getHost() != null
                && target.getHost().toLowerCase(Locale.ROOT).endsWith(".advancedmd.com");
        if (!sameOrigin && !advancedMd) {
            throw remember(new AuthException("redirect-refused", "AdvancedMD login redirect names a host that is"
                    + " neither the partner login's nor an https AdvancedMD host; credentials not sent", false));
        }
        return webserver.replaceAll("/+$", "") + ENDPOINT;
    }

    private AuthException refused(PpmdTransport.Answer answer) {
        String code = answer.faultCode() == null ? "no-session" : answer.faultCode();
        return remember(new AuthException(code, "AdvancedMD login refused (fault " + code + ")", false));
    }

    private AuthException remember(AuthException e) {
        lastRefusal = e;
        lastRefusalAt = clock.instant();
        return e;
    }

    private String loginXml() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("username", settings.username());
        attributes.put("psw", settings.password());
        attributes.put("officecode", settings.officeKey());
        attributes.put("appname", settings.appName());
        return PpmdXml.message("login", "login", msgtime(clock, settings), null, attributes, "");
    }

    /** AdvancedMD's msgtime: the practice's local time, {@code MM/dd/yyyy hh:mm:ss AM}. */
    static String msgtime(Clock clock, AdvancedMdSettings settings) {
        return MSGTIME.format(clock.instant().atZone(settings.timeZone()));
    }
}
