package dev.chartbridge.app.http;

import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.store.StoreException;
import dev.chartbridge.core.tenant.ApiKeys;
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
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The gateway's HTTP API (see {@code chartbridge-app/src/main/resources/openapi.yaml}), wired: the route table over
 * the event routes ({@link EventRoutes}: intake, status, approvals, audit, capabilities), the review queue
 * ({@link ReviewRoutes}), release controls ({@link ReleaseRoutes}), the break-glass report
 * ({@link BreakGlassRoutes}), webhooks ({@link WebhookRoutes}), metrics, health, the OpenAPI document and the event
 * JSON Schema; and the mapping of errors, every one problem+json. The routes share {@link RequestAuth} (API key,
 * verified user) and {@link RequestBodies} (bounded reading). Thread-safe.
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
    private Javalin app;

    /**
     * @param users       per tenant id, how the users its app acts for are verified; a tenant not named takes the
     *                    app's word
     * @param connections per EHR connection, its last check, for readiness (reported, never deciding it)
     */
    public HttpApi(Intake intake, EventQueries events, ApiKeys keys, PrometheusMeterRegistry registry, Jdbc jdbc,
                   Targets targets, long maxBodyBytes, String jwks, Map<String, UserAssertions> users,
                   Webhooks webhooks, Supplier<? extends Map<String, ?>> connections) {
        this.connections = connections;
        this.registry = registry;
        this.jdbc = jdbc;
        this.targets = targets;
        this.webhooks = webhooks;
        this.jwks = jwks;
        this.auth = new RequestAuth(keys, users);
        this.bodies = new RequestBodies(maxBodyBytes);
        this.events = new EventRoutes(auth, bodies, intake, events, jdbc, targets);
    }

    public void start(String host, int port) {
        app = Javalin.create(cfg -> {
            cfg.http.maxRequestSize = bodies.maxBytes() + 1;
            cfg.startup.showJavalinBanner = false;
            // What the server refuses before routing (a header over 8 KiB: 431) is answered as problem+json too.
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            cfg.routes.before(ctx -> MDC.put("requestId", UUID.randomUUID().toString()));
            cfg.routes.after(ctx -> MDC.clear());
            RouteTable routes = new RouteTable(cfg.routes);
            routes.post("/v1/events", events::submit);
            routes.get("/v1/events/{id}", events::status);
            routes.get("/v1/capabilities", events::capabilities);
            routes.get("/v1/audit", events::audit);
            routes.post("/v1/events/{id}/approvals", events::approve);
            ReviewRoutes review = new ReviewRoutes(auth, bodies, jdbc, targets);
            routes.get("/v1/review", review::list);
            routes.post("/v1/review/retry", review::retryAll);
            routes.post("/v1/review/{id}/actions", review::act);
            ReleaseRoutes release = new ReleaseRoutes(auth, bodies, jdbc, targets);
            routes.get("/v1/release-controls", release::list);
            routes.add(HandlerType.PUT, "/v1/release-controls", release::put);
            routes.get("/v1/break-glass", new BreakGlassRoutes(auth, jdbc)::list);
            routes.get("/v1/connections/{name}/check", new ConnectionCheckRoutes(auth, targets)::check);
            WebhookRoutes hooks = new WebhookRoutes(auth, bodies, jdbc, webhooks);
            routes.post("/v1/webhooks", hooks::register);
            routes.get("/v1/webhooks", hooks::list);
            routes.add(HandlerType.DELETE, "/v1/webhooks/{id}", hooks::remove);
            routes.get("/v1/webhooks/{id}/deliveries", hooks::deliveries);
            routes.get(JWKS_PATH, ctx -> ctx.contentType("application/jwk-set+json").result(jwks));
            routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()));
            routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
            routes.get("/health/ready", this::ready);
            routes.get("/openapi.yaml", ctx -> resource(ctx, "/openapi.yaml", "application/yaml"));
            routes.get("/v1/schemas/clinical-event.json",
                    ctx -> resource(ctx, "/schemas/v1/clinical-event.schema.json", "application/schema+json"));
            routes.answerOtherMethods();
            cfg.routes.exception(BodyRejected.class, (e, ctx) -> Responses.problem(ctx, e.problem()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // A failure the SQLState does not classify (a connection cut mid-statement can surface in several
                // ways) is still the database's when the database does not answer now.
                if (DatabaseUnavailable.is(e) || (e instanceof StoreException && !databaseAnswers())) {
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
        app.start(host, port);
    }

    public int port() {
        return app.port();
    }

    public void stop() {
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
