package dev.chartbridge.app.http;

import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.webhook.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;

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
    private Javalin app;

    /**
     * @param users per tenant id, how the users its app acts for are verified; a tenant not named takes the app's
     *              word
     */
    public HttpApi(Intake intake, EventQueries events, ApiKeys keys, PrometheusMeterRegistry registry, Jdbc jdbc,
                   Targets targets, long maxBodyBytes, String jwks, Map<String, UserAssertions> users,
                   Webhooks webhooks) {
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
            cfg.routes.before(ctx -> MDC.put("requestId", UUID.randomUUID().toString()));
            cfg.routes.after(ctx -> MDC.clear());
            cfg.routes.post("/v1/events", events::submit);
            cfg.routes.get("/v1/events/{id}", events::status);
            cfg.routes.get("/v1/capabilities", events::capabilities);
            cfg.routes.get("/v1/audit", events::audit);
            cfg.routes.post("/v1/events/{id}/approvals", events::approve);
            ReviewRoutes review = new ReviewRoutes(auth, bodies, jdbc, targets);
            cfg.routes.get("/v1/review", review::list);
            cfg.routes.post("/v1/review/retry", review::retryAll);
            cfg.routes.post("/v1/review/{id}/actions", review::act);
            ReleaseRoutes release = new ReleaseRoutes(auth, bodies, jdbc, targets);
            cfg.routes.get("/v1/release-controls", release::list);
            cfg.routes.put("/v1/release-controls", release::put);
            cfg.routes.get("/v1/break-glass", new BreakGlassRoutes(auth, jdbc)::list);
            WebhookRoutes hooks = new WebhookRoutes(auth, bodies, jdbc, webhooks);
            cfg.routes.post("/v1/webhooks", hooks::register);
            cfg.routes.get("/v1/webhooks", hooks::list);
            cfg.routes.delete("/v1/webhooks/{id}", hooks::remove);
            cfg.routes.get("/v1/webhooks/{id}/deliveries", hooks::deliveries);
            cfg.routes.get(JWKS_PATH, ctx -> ctx.contentType("application/jwk-set+json").result(jwks));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(registry.scrape()));
            cfg.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
            cfg.routes.get("/health/ready", this::ready);
            cfg.routes.get("/openapi.yaml", ctx -> resource(ctx, "/openapi.yaml", "application/yaml"));
            cfg.routes.get("/v1/schemas/clinical-event.json",
                    ctx -> resource(ctx, "/schemas/v1/clinical-event.schema.json", "application/schema+json"));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request {} {} failed: {}", ctx.method(), ctx.path(), e.getClass().getName());
                Responses.problem(ctx, Problem.of(500, "internal", "Internal error",
                        "the request could not be completed; nothing was half-written"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "no such resource"));
                }
            });
            cfg.routes.error(405, ctx -> Responses.problem(ctx, Problem.of(405, "method-not-allowed",
                    "Method not allowed", ctx.method() + " is not allowed here")));
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

    private void ready(Context ctx) {
        try {
            jdbc.read(c -> c.isValid(2));
            Responses.json(ctx, 200, Map.of("status", "ready"));
        } catch (RuntimeException e) {
            Responses.json(ctx, 503, Map.of("status", "database unavailable"));
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
