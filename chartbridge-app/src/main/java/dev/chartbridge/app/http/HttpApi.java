package dev.chartbridge.app.http;

import dev.chartbridge.app.console.ConsoleRoutes;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.common.RandomIds;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.store.StoreException;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.tenant.KeyRole;
import dev.chartbridge.core.tenant.UsedUserTokens;
import dev.chartbridge.core.webhook.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway's HTTP API (see {@code chartbridge-app/src/main/resources/openapi.yaml}), wired: the route table over
 * the event routes ({@link EventRoutes}: intake, status, approvals, audit, capabilities), the review queue
 * ({@link ReviewRoutes}), release controls ({@link ReleaseRoutes}), the break-glass report
 * ({@link BreakGlassRoutes}), webhooks ({@link WebhookRoutes}), metrics, health, the OpenAPI document and the event
 * JSON Schema; the web console ({@link ConsoleRoutes}); and the mapping of errors, every one problem+json. The
 * routes share {@link RequestAuth} (API key, verified user) and {@link RequestBodies} (bounded reading). Thread-safe.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Where the gateway's public signing keys are served: the {@code jku} registered with SMART vendors. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";

    private final PrometheusMeterRegistry registry;
    private final Jdbc jdbc;
    private final Targets targets;
    private final Webhooks webhooks;
    private final String jwks;
    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final EventRoutes events;
    private final Supplier<? extends Map<String, ?>> connections;
    private final ApiKeys keys;
    private final String metricsToken;
    private List<RouteTable.Route> routeAccess = List.of();
    private Javalin app;
    private volatile Map<String, java.util.Set<String>> routes = Map.of();

    /**
     * Access settings beyond the tenants' keys.
     *
     * @param metricsToken          the bearer token {@code /metrics} requires, or null to leave it open
     * @param authFailuresPerMinute failed authentications a client address may make per minute before 429
     * @param tenants               the tenants this node serves: keys of other tenants are refused; null: all
     */
    public record AccessOptions(String metricsToken, int authFailuresPerMinute, java.util.Set<String> tenants) {
        public static final AccessOptions DEFAULT = new AccessOptions(null, AuthFailures.DEFAULT_PER_MINUTE, null);
    }
    private SlowRequestGuard slowRequests;

    /**
     * @param users       per tenant id, how the users its app acts for are verified; a tenant not named takes the
     *                    app's word
     * @param connections per EHR connection, its last check, for readiness (reported, never deciding it)
     */
    public HttpApi(Intake intake, EventQueries events, ApiKeys keys, PrometheusMeterRegistry registry, Jdbc jdbc,
                   Targets targets, long maxBodyBytes, String jwks, Map<String, UserAssertions> users,
                   Webhooks webhooks, Supplier<? extends Map<String, ?>> connections) {
        this(intake, events, keys, registry, jdbc, targets, maxBodyBytes, jwks, users, webhooks, connections,
                AccessOptions.DEFAULT);
    }

    /** As the other constructor, with {@code access} settings. */
    public HttpApi(Intake intake, EventQueries events, ApiKeys keys, PrometheusMeterRegistry registry, Jdbc jdbc,
                   Targets targets, long maxBodyBytes, String jwks, Map<String, UserAssertions> users,
                   Webhooks webhooks, Supplier<? extends Map<String, ?>> connections, AccessOptions access) {
        this.keys = keys;
        this.metricsToken = access.metricsToken();
        this.connections = connections;
        this.registry = registry;
        this.jdbc = jdbc;
        this.targets = targets;
        this.webhooks = webhooks;
        this.jwks = jwks;
        this.auth = new RequestAuth(keys, users, users.isEmpty() ? null : new UsedUserTokens(jdbc, Clock.systemUTC()),
                new AuthFailures(access.authFailuresPerMinute(), Clock.systemUTC()), access.tenants());
        this.bodies = new RequestBodies(maxBodyBytes);
        this.events = new EventRoutes(auth, bodies, intake, events, jdbc, targets);
    }

    public void start(String host, int port) {
        start(ApiListener.plain(host, port));
    }

    /** Starts listening as {@code listener} says (address, read timeouts, TLS). */
    public void start(ApiListener listener) {
        app = Javalin.create(cfg -> {
            cfg.jetty.addConnector(listener::connector);
            cfg.http.maxRequestSize = bodies.maxBytes() + 1;
            cfg.startup.showJavalinBanner = false;
            // What the server refuses before routing (a header over 8 KiB: 431) is answered as problem+json too.
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            cfg.routes.before(ctx -> {
                MDC.put("requestId", RandomIds.uuid().toString());
                RequestTracing.before(ctx);
            });
            cfg.routes.after(ctx -> {
                bodies.discardUnread(ctx);
                RequestTracing.after(ctx);
                MDC.clear();
            });
            // Each route names the key roles that may call it (docs/api.md, "Roles"); RouteTable enforces them.
            Access app = Access.anyOf(KeyRole.APP);
            Access reviewer = Access.anyOf(KeyRole.REVIEWER);
            Access admin = Access.anyOf(KeyRole.ADMIN);
            RouteTable routes = new RouteTable(cfg.routes, auth);
            routes.post("/v1/events", app, events::submit);
            routes.get("/v1/events/{id}", Access.anyOf(KeyRole.APP, KeyRole.REVIEWER), events::status);
            SearchRoutes search = new SearchRoutes(auth, jdbc);
            routes.get("/v1/events", Access.anyOf(KeyRole.APP, KeyRole.REVIEWER), search::events);
            routes.get("/v1/operations", Access.anyOf(KeyRole.APP, KeyRole.REVIEWER), search::operations);
            routes.get("/v1/capabilities", Access.anyOf(KeyRole.APP, KeyRole.REVIEWER, KeyRole.ADMIN),
                    events::capabilities);
            routes.get("/v1/audit", Access.anyOf(KeyRole.REVIEWER, KeyRole.ADMIN), events::audit);
            routes.post("/v1/events/{id}/approvals", reviewer, events::approve);
            ReviewRoutes review = new ReviewRoutes(auth, bodies, jdbc, targets);
            routes.get("/v1/review", reviewer, review::list);
            routes.post("/v1/review/retry", reviewer, review::retryAll);
            routes.post("/v1/review/{id}/actions", reviewer, review::act);
            ReleaseRoutes release = new ReleaseRoutes(auth, bodies, jdbc, targets);
            routes.get("/v1/release-controls", Access.anyOf(KeyRole.REVIEWER, KeyRole.ADMIN), release::list);
            routes.add(HandlerType.PUT, "/v1/release-controls", admin, release::put);
            routes.get("/v1/break-glass", admin, new BreakGlassRoutes(auth, jdbc)::list);
            routes.get("/v1/connections/{name}/check", Access.anyOf(KeyRole.REVIEWER, KeyRole.ADMIN),
                    new ConnectionCheckRoutes(auth, targets)::check);
            WebhookRoutes hooks = new WebhookRoutes(auth, bodies, jdbc, webhooks);
            routes.post("/v1/webhooks", admin, hooks::register);
            routes.get("/v1/webhooks", admin, hooks::list);
            routes.add(HandlerType.DELETE, "/v1/webhooks/{id}", admin, hooks::remove);
            routes.get("/v1/webhooks/{id}/deliveries", admin, hooks::deliveries);
            routes.add(HandlerType.PATCH, "/v1/webhooks/{id}", admin, hooks::update);
            routes.post("/v1/webhooks/{id}/ping", admin, hooks::ping);
            routes.post("/v1/webhooks/{id}/deliveries/{deliveryId}/resend", admin, hooks::resend);
            KeyRoutes keyRoutes = new KeyRoutes(auth, bodies, keys);
            routes.get("/v1/admin/keys", admin, keyRoutes::list);
            routes.post("/v1/admin/keys", admin, keyRoutes::create);
            routes.post("/v1/admin/keys/{id}/rotate", admin, keyRoutes::rotate);
            routes.post("/v1/admin/keys/{id}/revoke", admin, keyRoutes::revoke);
            routes.get(JWKS_PATH, Access.OPEN, ctx -> ctx.contentType("application/jwk-set+json").result(jwks));
            routes.get("/metrics", Access.OPEN, new MetricsAccess(metricsToken, registry)::scrape);
            routes.get("/health/live", Access.OPEN, ctx -> ctx.json(Map.of("status", "up")));
            routes.get("/health/ready", Access.OPEN, this::ready);
            routes.get("/openapi.yaml", Access.OPEN, ctx -> resource(ctx, "/openapi.yaml", "application/yaml"));
            routes.get("/v1/schemas/clinical-event.json", Access.OPEN,
                    ctx -> resource(ctx, "/schemas/v1/clinical-event.schema.json", "application/schema+json"));
            this.routeAccess = routes.routes();
            routes.answerOtherMethods();
            this.routes = routes.taken();
            // The web console (issue #14): server-rendered pages under /console, signed in with a tenant's key.
            new ConsoleRoutes(new ApiKeys(jdbc), jdbc, targets, connections).install(cfg.routes);
            cfg.routes.exception(BodyRejected.class, (e, ctx) -> Responses.problem(ctx, e.problem()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // A failure the SQLState does not classify (a connection cut mid-statement can surface in several
                // ways) is still the database's when the database does not answer now.
                if (StoreException.unreachable(e) || (e instanceof StoreException && !databaseAnswers())) {
                    LOG.warn("request {} {}: database unavailable ({})", ctx.method(), ctx.path(),
                            e.getClass().getSimpleName());
                    ctx.header("Retry-After", String.valueOf(DatabaseUnavailable.RETRY_AFTER_SECONDS));
                    Responses.problem(ctx, Problem.of(503, "database-unavailable", "Service unavailable",
                            "the gateway's database cannot be reached; nothing was stored; try again"));
                    return;
                }
                LOG.error("request {} {} failed: {}{}", ctx.method(), ctx.path(), e.getClass().getName(),
                        e instanceof StoreException s ? " (SQLState " + s.sqlState() + ")" : "");
                Responses.problem(ctx, Problem.of(500, "internal", "Internal error",
                        "the request could not be completed; nothing was half-written"));
            });
            cfg.routes.error(404, ctx -> {
                // A route's own 404 (no such event) is a problem already; the router's "no such path" is plain text.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/problem+json")) {
                    Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "no such resource"));
                }
            });
        });
        app.start(listener.host(), listener.port());
        slowRequests = new SlowRequestGuard(java.util.List.of(app.jettyServer().server().getConnectors()),
                listener.headerTimeout(), listener.bodyTimeout());
    }

    /** The routes served and who may call each (for the test that walks them). */
    List<RouteTable.Route> routeAccess() {
        return routeAccess;
    }

    public int port() {
        return app.port();
    }

    /**
     * Every route this API answers once started: path template ({@code {name}} for a path parameter) to the methods
     * it takes. What the OpenAPI document must describe, path for path (a test walks both).
     */
    public Map<String, java.util.Set<String>> routes() {
        return routes;
    }

    public void stop() {
        if (slowRequests != null) {
            slowRequests.close();
        }
        if (app != null) {
            app.stop();
        }
    }

    /**
     * Ready when the database answers within the API's connection wait; else 503 with {@code Retry-After}. Each EHR
     * connection's last check is reported alongside; one EHR down does not make the node unready (its writes wait).
     */
    private void ready(Context ctx) {
        if (databaseAnswers()) {
            Responses.json(ctx, 200, Map.of("status", "ready", "connections", connections.get()));
        } else {
            ctx.header("Retry-After", String.valueOf(DatabaseUnavailable.RETRY_AFTER_SECONDS));
            Responses.json(ctx, 503, Map.of("status", "database unavailable", "connections", connections.get()));
        }
    }

    /** Whether the database gives a working connection within the API's wait. */
    private boolean databaseAnswers() {
        try {
            return jdbc.read(c -> c.isValid(2));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void resource(Context ctx, String path, String type) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream(path)) {
            if (in == null) {
                Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "no such document"));
                return;
            }
            ctx.contentType(type).result(in.readAllBytes());
        }
    }
}
