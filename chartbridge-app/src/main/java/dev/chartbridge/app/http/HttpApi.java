package dev.chartbridge.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.app.audit.FhirAuditExport;
import dev.chartbridge.core.approval.Approvals;
import dev.chartbridge.core.audit.AuditQueries;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.gate.BreakGlass;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.intake.IntakeResult;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.status.EventView;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.webhook.Webhooks;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's HTTP API (see {@code chartbridge-app/src/main/resources/openapi.yaml}): intake, event status,
 * approvals, the review queue ({@link ReviewRoutes}), release controls ({@link ReleaseRoutes}), the break-glass
 * report ({@link BreakGlassRoutes}), webhooks ({@link WebhookRoutes}), metrics, health, the OpenAPI document and the
 * event JSON Schema. Every error is problem+json. Thread-safe.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final long AUTH_CACHE_MS = 30_000;
    /** Where the gateway's public signing keys are served: the {@code jku} registered with SMART vendors. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";

    private final Intake intake;
    private final EventQueries events;
    private final ApiKeys keys;
    private final PrometheusMeterRegistry registry;
    private final Jdbc jdbc;
    private final Targets targets;
    private final Approvals approvals;
    private final Webhooks webhooks;
    private final long maxBodyBytes;
    private final String jwks;
    private final Map<String, CachedCaller> callers = new ConcurrentHashMap<>();
    private final Map<String, UserAssertions> users;
    private Javalin app;

    /** @param users per tenant id, how the users its app acts for are verified; a tenant not named takes the app's word */
    public HttpApi(Intake intake, EventQueries events, ApiKeys keys, PrometheusMeterRegistry registry, Jdbc jdbc,
                   Targets targets, long maxBodyBytes, String jwks, Map<String, UserAssertions> users,
                   Webhooks webhooks) {
        this.users = Map.copyOf(users);
        this.targets = targets;
        this.webhooks = webhooks;
        this.jwks = jwks;
        this.approvals = new Approvals(jdbc);
        this.intake = intake;
        this.events = events;
        this.keys = keys;
        this.registry = registry;
        this.jdbc = jdbc;
        this.maxBodyBytes = maxBodyBytes;
    }

    private record CachedCaller(ApiKeys.Caller caller, long until) {
    }

    /** Who a request acts for: the tenant's API key, and the user when a signed user assertion verified. */
    record Acting(ApiKeys.Caller caller, UserAssertions.VerifiedUser user) {
        String tenantId() {
            return caller.tenantId();
        }

        /** The actor recorded in audit entries: the key, and the verified user if any. */
        String actor() {
            return user == null ? caller.actor() : caller.actor() + " " + user.actor();
        }
    }

    public void start(String host, int port) {
        app = Javalin.create(cfg -> {
            cfg.http.maxRequestSize = maxBodyBytes + 1;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.before(ctx -> MDC.put("requestId", UUID.randomUUID().toString()));
            cfg.routes.after(ctx -> MDC.clear());
            cfg.routes.post("/v1/events", this::submit);
            cfg.routes.get("/v1/events/{id}", this::status);
            cfg.routes.get("/v1/capabilities", this::capabilities);
            cfg.routes.get("/v1/audit", this::audit);
            cfg.routes.post("/v1/events/{id}/approvals", this::approve);
            ReviewRoutes review = new ReviewRoutes(this, jdbc);
            cfg.routes.get("/v1/review", review::list);
            cfg.routes.post("/v1/review/{id}/actions", review::act);
            ReleaseRoutes release = new ReleaseRoutes(this, jdbc, targets);
            cfg.routes.get("/v1/release-controls", release::list);
            cfg.routes.put("/v1/release-controls", release::put);
            cfg.routes.get("/v1/break-glass", new BreakGlassRoutes(this, jdbc)::list);
            WebhookRoutes hooks = new WebhookRoutes(this, jdbc, webhooks);
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
                problem(ctx, Problem.of(500, "internal", "Internal error",
                        "the request could not be completed; nothing was half-written"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    problem(ctx, Problem.of(404, "not-found", "Not found", "no such resource"));
                }
            });
            cfg.routes.error(405, ctx -> problem(ctx, Problem.of(405, "method-not-allowed", "Method not allowed",
                    ctx.method() + " is not allowed here")));
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

    private void submit(Context ctx) {
        Optional<Acting> caller = acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().matches("application/json\\s*(;.*)?")) {
            problem(ctx, Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send the event as application/json").naming("header:Content-Type", "must be application/json"));
            return;
        }
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200 || !key.matches("[\\x21-\\x7e]+"))) {
            problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header",
                    List.of(new FieldError("header:Idempotency-Key", "must be 1 to 200 visible ASCII characters"))));
            return;
        }
        byte[] body = readBody(ctx);
        if (body == null) {
            problem(ctx, Problem.of(413, "too-large", "Request too large",
                    "the body must be at most " + maxBodyBytes + " bytes")
                    .naming("", "must be at most " + maxBodyBytes + " bytes"));
            return;
        }
        String context = ctx.header("X-Patient-Context");
        Identifier boundPatient = null;
        if (context != null) {
            int bar = context.lastIndexOf('|');
            if (bar <= 0 || bar == context.length() - 1 || context.length() > 1300) {
                problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", List.of(
                        new FieldError("header:X-Patient-Context", "must be system|value of a patient identifier"))));
                return;
            }
            boundPatient = new Identifier(context.substring(0, bar), context.substring(bar + 1));
        }
        UserAssertions.VerifiedUser user = caller.get().user();
        if (user != null && user.patient() != null) {
            if (boundPatient != null && !boundPatient.equals(user.patient())) {
                problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", List.of(new FieldError(
                        "header:X-Patient-Context", "names another patient than the verified user's launch context"))));
                return;
            }
            boundPatient = user.patient();
        }
        List<FieldError> glassErrors = new java.util.ArrayList<>();
        BreakGlass breakGlass = BreakGlass.parse(ctx.header(BreakGlass.GATES_HEADER),
                ctx.header(BreakGlass.REASON_HEADER), glassErrors);
        if (!glassErrors.isEmpty()) {
            problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", glassErrors));
            return;
        }
        IntakeResult result = intake.submit(caller.get().tenantId(), caller.get().actor(), key, body, boundPatient,
                breakGlass);
        if (result instanceof IntakeResult.Accepted a) {
            ctx.header("Location", "/v1/events/" + a.eventId());
            json(ctx, a.replay() ? 200 : 202, Map.of("id", a.eventId(), "replay", a.replay(),
                    "operations", a.operations(), "links", Map.of("status", "/v1/events/" + a.eventId())));
        } else if (result instanceof IntakeResult.Invalid i) {
            problem(ctx, Problem.invalid(400, "invalid-event", "Invalid event", i.errors()));
        } else if (result instanceof IntakeResult.Unsupported u) {
            problem(ctx, Problem.invalid(422, "unsupported-by-target", "A target cannot take this event",
                    u.errors()));
        } else if (result instanceof IntakeResult.InvalidAmendment a) {
            problem(ctx, Problem.invalid(422, "invalid-amendment", "The amended event cannot be changed",
                    a.errors()));
        } else if (result instanceof IntakeResult.Refused r) {
            problem(ctx, Problem.invalid(422, "gate-refused", "Refused by a safety gate", r.errors()));
        } else if (result instanceof IntakeResult.KeyReused k) {
            problem(ctx, Problem.of(409, "idempotency-key-reused", "Idempotency key reused",
                    "this Idempotency-Key was used for a different body").withExisting(k.existingEventId().toString())
                    .naming("header:Idempotency-Key", "was already used for a different body"));
        } else if (result instanceof IntakeResult.DuplicateContent d) {
            problem(ctx, Problem.of(409, "duplicate-content", "Duplicate clinical content",
                    "an event with the same patient, encounter, time and content was already accepted for this"
                            + " target").withExisting(d.existingEventId().toString()));
        } else if (result instanceof IntakeResult.WrongTenant) {
            problem(ctx, Problem.invalid(403, "wrong-tenant", "Wrong tenant",
                    List.of(new FieldError("/tenant", "is not the tenant of the API key used"))));
        }
    }

    private void status(Context ctx) {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            problem(ctx, Problem.of(404, "not-found", "Not found", "no event with that id"));
            return;
        }
        Optional<EventView> view = events.find(caller.get().tenantId(), id);
        if (view.isEmpty()) {
            problem(ctx, Problem.of(404, "not-found", "Not found", "no event with that id"));
            return;
        }
        json(ctx, 200, view.get());
    }

    /** The tenant's audit trail as FHIR R4 AuditEvent and Provenance NDJSON, by patient and time range. */
    private void audit(Context ctx) throws IOException {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new java.util.ArrayList<>();
        Identifier patient = null;
        String token = ctx.queryParam("patient");
        if (token != null) {
            int bar = token.lastIndexOf('|');
            if (bar <= 0 || bar == token.length() - 1) {
                errors.add(new FieldError("query:patient", "must be system|value"));
            } else {
                patient = new Identifier(token.substring(0, bar), token.substring(bar + 1));
            }
        }
        java.time.Instant from = instant(ctx, "from", errors);
        java.time.Instant to = instant(ctx, "to", errors);
        if (!errors.isEmpty()) {
            problem(ctx, Problem.invalid(400, "invalid-query", "Invalid query", errors));
            return;
        }
        var rows = new AuditQueries(jdbc).find(caller.get().tenantId(), patient, from, to, 10_000);
        java.io.StringWriter out = new java.io.StringWriter();
        FhirAuditExport.writeNdjson(rows, out);
        ctx.status(200).contentType("application/fhir+ndjson").result(out.toString());
    }

    static java.time.Instant instant(Context ctx, String name, List<FieldError> errors) {
        String value = ctx.queryParam(name);
        try {
            return value == null ? null : java.time.Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(new FieldError("query:" + name, "must be an instant such as 2026-11-24T00:00:00Z"));
            return null;
        }
    }

    /** A second clinician approves a held medication change; its writes enter the queue. */
    private void approve(Context ctx) {
        Optional<Acting> caller = acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = eventId(ctx);
        List<FieldError> errors = new java.util.ArrayList<>();
        JsonNode tree = readJson(ctx, errors);
        Approvals.Approval approval = tree == null ? null : Approvals.parse(tree, errors);
        if (approval == null || id == null) {
            problem(ctx, id == null ? Problem.of(404, "not-found", "Not found", "no event with that id")
                    : Problem.invalid(400, "invalid-approval", "Invalid approval",
                    errors.isEmpty() ? List.of(new FieldError("", "send a JSON object")) : errors));
            return;
        }
        UserAssertions.VerifiedUser user = caller.get().user();
        Approvals.Result result = approvals.approve(caller.get().tenantId(), caller.get().actor(), id, approval,
                user == null ? null : new Approvals.VerifiedApprover(user.npi(), user.role()));
        switch (result.outcome()) {
            case APPROVED -> json(ctx, 200, Map.of("id", id, "released", result.released()));
            case NOT_FOUND -> problem(ctx, Problem.of(404, "not-found", "Not found", "no event with that id"));
            case NOT_AWAITING -> problem(ctx, Problem.of(409, "not-awaiting-approval", "Nothing awaits approval",
                    "this event has no write waiting for approval"));
            case REFUSED -> problem(ctx, Problem.invalid(422, "approval-refused", "Approval refused",
                    result.errors()));
        }
    }

    private static UUID eventId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Per connection of the caller's tenant: which event types it takes, how, and why not; and whether the
     * provenance of AI-assisted content is sent to it or kept locally, and why.
     */
    private void capabilities(Context ctx) {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<Map<String, Object>> connections = new java.util.ArrayList<>();
        targets.all().stream().filter(t -> t.tenantId().equals(caller.get().tenantId()))
                .sorted(java.util.Comparator.comparing(Target::name)).forEach(t -> {
                    VendorProfile profile = VendorProfiles.of(t.adapter().vendor());
                    Map<String, Object> types = new java.util.LinkedHashMap<>();
                    for (EventType type : EventType.values()) {
                        VendorProfile.EventSupport s = profile.support(type.wireName());
                        types.put(type.wireName(), s.supported()
                                ? Map.of("supported", true, "api", s.api(), "call", s.call())
                                : Map.of("supported", false, "reason", s.unsupported()));
                    }
                    VendorProfile.ProvenanceSupport provenance = profile.provenance();
                    connections.add(Map.of("target", t.name(), "vendor", profile.vendor(), "name", profile.name(),
                            "eventTypes", types, "provenance", provenance.sent()
                                    ? Map.of("handling", provenance.handling(), "call", provenance.call())
                                    : Map.of("handling", provenance.handling(), "reason", provenance.reason())));
                });
        json(ctx, 200, Map.of("tenant", caller.get().tenantId(), "connections", connections));
    }

    private void ready(Context ctx) {
        try {
            jdbc.read(c -> c.isValid(2));
            json(ctx, 200, Map.of("status", "ready"));
        } catch (RuntimeException e) {
            json(ctx, 503, Map.of("status", "database unavailable"));
        }
    }

    /**
     * The API key's caller and, when the request carries {@code X-User-Assertion}, the verified user; writes the
     * problem and returns empty when either fails, or when the tenant requires a verified user and none is sent.
     */
    Optional<Acting> acting(Context ctx) {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        UserAssertions verifier = users.get(caller.get().tenantId());
        String assertion = ctx.header(UserAssertions.HEADER);
        String header = "header:" + UserAssertions.HEADER;
        if (assertion == null) {
            if (verifier != null && verifier.required()) {
                problem(ctx, Problem.of(401, "user-unverified", "User not verified",
                        "this tenant acts only for users its identity provider vouches for")
                        .naming(header, "is required: a JWT from the tenant's identity provider naming the user"));
                return Optional.empty();
            }
            return Optional.of(new Acting(caller.get(), null));
        }
        if (verifier == null) {
            problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", List.of(new FieldError(header,
                    "cannot be verified: no identity provider is configured for this tenant"))));
            return Optional.empty();
        }
        UserAssertions.Verification verification = verifier.verify(assertion);
        if (verification.user() == null) {
            problem(ctx, Problem.of(401, "user-unverified", "User not verified", "the user assertion "
                    + verification.refusal()).naming(header, verification.refusal()));
            return Optional.empty();
        }
        return Optional.of(new Acting(caller.get(), verification.user()));
    }

    Optional<ApiKeys.Caller> authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"chartbridge\"");
            problem(ctx, Problem.of(401, "unauthenticated", "Unauthenticated",
                    "send the tenant's API key as Authorization: Bearer <key>")
                    .naming("header:Authorization", "must be Bearer followed by the tenant's API key"));
            return Optional.empty();
        }
        String secret = header.substring(7).trim();
        String cacheKey = Json.sha256(secret);
        CachedCaller cached = callers.get(cacheKey);
        long now = System.currentTimeMillis();
        if (cached != null && cached.until() > now) {
            return Optional.of(cached.caller());
        }
        Optional<ApiKeys.Caller> caller = keys.authenticate(secret);
        if (caller.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"chartbridge\", error=\"invalid_token\"");
            problem(ctx, Problem.of(401, "unauthenticated", "Unauthenticated", "the API key is not valid")
                    .naming("header:Authorization", "is not a valid API key"));
            return Optional.empty();
        }
        callers.put(cacheKey, new CachedCaller(caller.get(), now + AUTH_CACHE_MS));
        return caller;
    }

    /** As {@link #authenticate}, and the key must be an administrator's (else 403). */
    Optional<ApiKeys.Caller> authenticateAdmin(Context ctx) {
        Optional<ApiKeys.Caller> caller = authenticate(ctx);
        if (caller.isPresent() && !caller.get().admin()) {
            problem(ctx, Problem.of(403, "admin-required", "Administrator key required",
                    "this needs an administrator's API key of the tenant")
                    .naming("header:Authorization", "is not an administrator's key"));
            return Optional.empty();
        }
        return caller;
    }

    /**
     * The body as JSON; null when it is missing, too large or not JSON (then the problem is added to {@code errors}
     * on pointer {@code ""}, except for a missing body, which the caller's parser reports).
     */
    JsonNode readJson(Context ctx, List<FieldError> errors) {
        byte[] body = readBody(ctx);
        try {
            return body == null ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            errors.add(new FieldError("", "the body is not valid JSON"));
            return null;
        }
    }

    /** The body, or null when it is larger than the limit (checked before and while reading). */
    byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > maxBodyBytes) {
                drainModestExcess(ctx, in, declared);
                return null;
            }
            byte[] bytes = in.readNBytes((int) maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                drainModestExcess(ctx, in, -1);
                return null;
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A client still sending when the 413 goes out sees a reset instead of the answer. A body up to four times the
     * limit is read and discarded so the client gets its 413; anything larger is cut off and the connection closed.
     */
    private void drainModestExcess(Context ctx, InputStream in, long declared) throws IOException {
        long cap = 4 * maxBodyBytes;
        if (declared > cap) {
            ctx.header("Connection", "close");
            return;
        }
        long skipped = 0;
        byte[] sink = new byte[64 * 1024];
        for (int n; skipped <= cap && (n = in.read(sink)) > 0; ) {
            skipped += n;
        }
        if (skipped > cap) {
            ctx.header("Connection", "close");
        }
    }

    private static void resource(Context ctx, String path, String type) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream(path)) {
            if (in == null) {
                problem(ctx, Problem.of(404, "not-found", "Not found", "no such document"));
                return;
            }
            ctx.contentType(type).result(in.readAllBytes());
        }
    }

    static void problem(Context ctx, Problem p) {
        write(ctx, p.status(), PROBLEM_JSON, p);
    }

    static void json(Context ctx, int status, Object body) {
        write(ctx, status, "application/json", body);
    }

    private static void write(Context ctx, int status, String type, Object body) {
        try {
            ctx.status(status).contentType(type).result(Json.MAPPER.writeValueAsString(body)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response bodies always serialize", e);
        }
    }

}
