package dev.chartbridge.app.console;

import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The web console under {@code /console}: sign-in with a tenant's API key (an HttpOnly, SameSite=Strict session
 * cookie; a CSRF token on every form), then the dashboard, event search and timeline, review queue and approvals,
 * and release controls of that tenant. Server-rendered HTML, no script. Every page showing patient data is audited
 * ({@link ConsoleAudit}). Thread-safe.
 */
public final class ConsoleRoutes {
    static final String BASE = "/console";
    private static final String SESSION_COOKIE = "cb_console";
    private static final String LOGIN_COOKIE = "cb_console_login";
    private static final int MAX_OPERATOR = 100;

    private final ApiKeys keys;
    private final ConsoleSessions sessions = new ConsoleSessions(Clock.systemUTC());
    private final ConsoleView view = new ConsoleView();
    private final ConsoleAudit audit;
    private final EventPages events;
    private final ReviewPages review;
    private final OverviewPages overview;
    /** One-shot messages for the page after a redirect, by session token. */
    private final Map<String, String[]> flashes = new ConcurrentHashMap<>();

    /**
     * @param health per connection ({@code tenant/name}), its last connection check, as {@code /health/ready}
     *               reports it
     */
    public ConsoleRoutes(ApiKeys keys, Jdbc jdbc, Targets targets, Supplier<? extends Map<String, ?>> health) {
        this.keys = keys;
        this.audit = new ConsoleAudit(jdbc);
        this.events = new EventPages(this, jdbc);
        this.review = new ReviewPages(this, jdbc, targets);
        this.overview = new OverviewPages(this, jdbc, targets, health);
    }

    /** Adds the console's routes. */
    public void install(RoutesConfig routes) {
        routes.addHttpHandler(HandlerType.GET, BASE, ctx -> ctx.redirect(BASE + "/dashboard", HttpStatus.SEE_OTHER));
        routes.addHttpHandler(HandlerType.GET, BASE + "/console.css", this::stylesheet);
        routes.addHttpHandler(HandlerType.GET, BASE + "/login", this::loginForm);
        routes.addHttpHandler(HandlerType.POST, BASE + "/login", this::login);
        routes.addHttpHandler(HandlerType.POST, BASE + "/logout", signedIn(true, this::logout));
        routes.addHttpHandler(HandlerType.GET, BASE + "/dashboard", signedIn(false, overview::dashboard));
        routes.addHttpHandler(HandlerType.GET, BASE + "/connections/{name}/check", signedIn(false, overview::check));
        routes.addHttpHandler(HandlerType.GET, BASE + "/events", signedIn(false, events::search));
        routes.addHttpHandler(HandlerType.GET, BASE + "/events/{id}", signedIn(false, events::timeline));
        routes.addHttpHandler(HandlerType.GET, BASE + "/review", signedIn(false, review::queue));
        routes.addHttpHandler(HandlerType.POST, BASE + "/review/retry", signedIn(true, review::retryAll));
        routes.addHttpHandler(HandlerType.POST, BASE + "/review/{id}", signedIn(true, review::act));
        routes.addHttpHandler(HandlerType.POST, BASE + "/approvals/{id}", signedIn(true, review::approve));
        routes.addHttpHandler(HandlerType.GET, BASE + "/release", signedIn(false, overview::release));
        routes.addHttpHandler(HandlerType.POST, BASE + "/release", signedIn(true, overview::setRelease));
    }

    /** A page of a signed-in operator. */
    @FunctionalInterface
    interface Page {
        void handle(Context ctx, ConsoleSessions.Session session) throws Exception;
    }

    /** Runs {@code page} for a live session (else to the sign-in form); a form post must carry its CSRF token. */
    private Handler signedIn(boolean post, Page page) {
        return ctx -> {
            Optional<ConsoleSessions.Session> session = sessions.find(ctx.cookie(SESSION_COOKIE));
            if (session.isEmpty()) {
                ctx.redirect(BASE + "/login", HttpStatus.SEE_OTHER);
                return;
            }
            if (post && !session.get().csrfMatches(ctx.formParam("csrf"))) {
                view.render(ctx, 403, "refused", Map.of("message",
                        "This form is out of date or did not come from the console. Go back, reload and try again."));
                return;
            }
            page.handle(ctx, session.get());
        };
    }

    private void loginForm(Context ctx) {
        if (sessions.find(ctx.cookie(SESSION_COOKIE)).isPresent()) {
            ctx.redirect(BASE + "/dashboard", HttpStatus.SEE_OTHER);
            return;
        }
        loginPage(ctx, 200, null);
    }

    /** The sign-in form, with a fresh login CSRF token bound to a short-lived cookie (double submit). */
    private void loginPage(Context ctx, int status, String error) {
        String nonce = ConsoleSessions.random();
        setCookie(ctx, LOGIN_COOKIE, nonce, 600);
        view.render(ctx, status, "login", Map.of("csrf", nonce, "error", error == null ? "" : error));
    }

    private void login(Context ctx) {
        String nonce = ctx.cookie(LOGIN_COOKIE);
        String posted = ctx.formParam("csrf");
        if (nonce == null || posted == null || !MessageDigest.isEqual(nonce.getBytes(StandardCharsets.UTF_8),
                posted.getBytes(StandardCharsets.UTF_8))) {
            loginPage(ctx, 403, "The sign-in form expired. Please try again.");
            return;
        }
        String operator = ctx.formParam("operator") == null ? "" : ctx.formParam("operator").strip();
        String key = ctx.formParam("apiKey") == null ? "" : ctx.formParam("apiKey").strip();
        if (operator.isEmpty() || operator.length() > MAX_OPERATOR || !operator.matches("[\\p{L}\\p{N} ._@'-]+")) {
            loginPage(ctx, 400, "Give your name or user id (letters, digits, spaces, . _ @ ' -; at most "
                    + MAX_OPERATOR + ").");
            return;
        }
        Optional<ApiKeys.Caller> caller = key.isEmpty() ? Optional.empty() : keys.authenticate(key);
        if (caller.isEmpty()) {
            loginPage(ctx, 401, "That API key is not valid.");
            return;
        }
        ConsoleSessions.Session session = sessions.open(caller.get(), operator);
        flashes.keySet().removeIf(token -> !sessions.holds(token)); // messages of sessions swept by open()
        audit.session(session, "console.signed-in");
        setCookie(ctx, LOGIN_COOKIE, "", 0);
        setCookie(ctx, SESSION_COOKIE, session.token(), -1);
        ctx.redirect(BASE + "/dashboard", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx, ConsoleSessions.Session session) {
        sessions.close(session.token());
        flashes.remove(session.token());
        audit.session(session, "console.signed-out");
        setCookie(ctx, SESSION_COOKIE, "", 0);
        ctx.redirect(BASE + "/login", HttpStatus.SEE_OTHER);
    }

    /**
     * Sets a cookie scoped to the console: HttpOnly, SameSite=Strict, Secure when the request came over TLS.
     *
     * @param maxAge seconds; 0 deletes it; negative: for the browser session
     */
    private static void setCookie(Context ctx, String name, String value, int maxAge) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=").append(BASE)
                .append("; HttpOnly; SameSite=Strict");
        if (maxAge >= 0) {
            c.append("; Max-Age=").append(maxAge);
        }
        if (ctx.req().isSecure()) {
            c.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", c.toString());
    }

    private void stylesheet(Context ctx) throws IOException {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/console.css")) {
            ctx.header("Cache-Control", "max-age=300");
            ctx.contentType("text/css; charset=utf-8").result(in.readAllBytes());
        }
    }

    /** The chrome of a page for this session, taking the message the previous action left. */
    Chrome chrome(ConsoleSessions.Session s, String section) {
        String[] flash = flashes.remove(s.token());
        return new Chrome(s.tenantId(), s.operator(), s.csrf(), s.caller().admin(), section,
                flash == null ? null : flash[0], flash == null ? null : flash[1]);
    }

    /** Leaves a message for the next page and redirects there (post, redirect, get). */
    void redirect(Context ctx, ConsoleSessions.Session s, String to, String notice, String error) {
        flashes.put(s.token(), new String[]{notice, error});
        ctx.redirect(to, HttpStatus.SEE_OTHER);
    }

    ConsoleView view() {
        return view;
    }

    ConsoleAudit audit() {
        return audit;
    }
}
