package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.audit.FhirAuditExport;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.approval.Approvals;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.audit.AuditQueries;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.event.Approval;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.gate.BreakGlass;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.intake.IntakeResult;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.status.EventView;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;
import io.javalin.http.Context;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The event routes: {@code POST /v1/events} (intake), {@code GET /v1/events/{id}} (status),
 * {@code POST /v1/events/{id}/approvals}, {@code GET /v1/audit} (FHIR export) and {@code GET /v1/capabilities}.
 * Thread-safe.
 */
final class EventRoutes {
    /** Audit entries per page when the caller names no {@code limit}. */
    static final int DEFAULT_AUDIT_PAGE = 1_000;
    /** Compiled once: {@code String.matches} compiles its pattern on every request. */
    private static final Pattern JSON_TYPE = Pattern.compile("application/json\\s*(;.*)?");
    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");

    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final Intake intake;
    private final EventQueries events;
    private final Jdbc jdbc;
    private final Targets targets;
    private final Approvals approvals;
    private final PhiReads reads;

    EventRoutes(RequestAuth auth, RequestBodies bodies, Intake intake, EventQueries events, Jdbc jdbc,
                Targets targets) {
        this.auth = auth;
        this.bodies = bodies;
        this.intake = intake;
        this.events = events;
        this.jdbc = jdbc;
        this.targets = targets;
        this.approvals = new Approvals(jdbc);
        this.reads = new PhiReads(jdbc);
    }

    void submit(Context ctx) {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        String contentType = ctx.contentType();
        if (contentType == null || !JSON_TYPE.matcher(contentType.toLowerCase()).matches()) {
            Responses.problem(ctx, Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send the event as application/json").naming("header:Content-Type", "must be application/json"));
            return;
        }
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200 || !VISIBLE_ASCII.matcher(key).matches())) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header",
                    List.of(new FieldError("header:Idempotency-Key", "must be 1 to 200 visible ASCII characters"))));
            return;
        }
        byte[] body = bodies.read(ctx);
        String context = ctx.header("X-Patient-Context");
        Identifier boundPatient = null;
        if (context != null) {
            int bar = context.lastIndexOf('|');
            if (bar <= 0 || bar == context.length() - 1 || context.length() > 1300) {
                Responses.problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", List.of(
                        new FieldError("header:X-Patient-Context", "must be system|value of a patient identifier"))));
                return;
            }
            boundPatient = new Identifier(context.substring(0, bar), context.substring(bar + 1));
        }
        UserAssertions.VerifiedUser user = caller.get().user();
        if (user != null && user.patient() != null) {
            if (boundPatient != null && !boundPatient.equals(user.patient())) {
                Responses.problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", List.of(new FieldError(
                        "header:X-Patient-Context", "names another patient than the verified user's launch context"))));
                return;
            }
            boundPatient = user.patient();
        }
        if (user != null) {
            List<FieldError> notTheUser = IdentityBinding.check(body, user);
            if (!notTheUser.isEmpty()) {
                refusedIdentity(caller.get(), notTheUser);
                Responses.problem(ctx, Problem.invalid(403, "not-the-verified-user", "Not the verified user",
                        notTheUser));
                return;
            }
        }
        List<FieldError> glassErrors = new ArrayList<>();
        BreakGlass breakGlass = BreakGlass.parse(ctx.header(BreakGlass.GATES_HEADER),
                ctx.header(BreakGlass.REASON_HEADER), glassErrors);
        if (!glassErrors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-header", "Invalid header", glassErrors));
            return;
        }
        IntakeResult result = intake.submit(caller.get().tenantId(), caller.get().actor(), key, body, boundPatient,
                breakGlass);
        if (result instanceof IntakeResult.Accepted a) {
            ctx.header("Location", "/v1/events/" + a.eventId());
            if (a.replay()) {
                // The original answer again (RFC draft httpapi-idempotency-key, Stripe's Idempotent-Replayed).
                ctx.header("Idempotent-Replayed", "true");
            }
            // In this order on every answer (Map.of's order changes from one JVM to the next).
            Map<String, Object> accepted = new java.util.LinkedHashMap<>();
            accepted.put("id", a.eventId());
            accepted.put("replay", a.replay());
            accepted.put("operations", a.operations());
            accepted.put("links", Map.of("status", "/v1/events/" + a.eventId()));
            Responses.json(ctx, 202, accepted);
        } else if (result instanceof IntakeResult.Invalid i) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-event", "Invalid event", i.errors()));
        } else if (result instanceof IntakeResult.Unsupported u) {
            Responses.problem(ctx, Problem.invalid(422, "unsupported-by-target", "A target cannot take this event",
                    u.errors()));
        } else if (result instanceof IntakeResult.InvalidAmendment a) {
            Responses.problem(ctx, Problem.invalid(422, "invalid-amendment", "The amended event cannot be changed",
                    a.errors()));
        } else if (result instanceof IntakeResult.Refused r) {
            Responses.problem(ctx, Problem.invalid(422, "gate-refused", "Refused by a safety gate", r.errors()));
        } else if (result instanceof IntakeResult.KeyReused k) {
            Responses.problem(ctx, Problem.of(409, "idempotency-key-reused", "Idempotency key reused",
                    "this Idempotency-Key was used for a different body").withExisting(k.existingEventId().toString())
                    .naming("header:Idempotency-Key", "was already used for a different body"));
        } else if (result instanceof IntakeResult.DuplicateContent d) {
            Responses.problem(ctx, Problem.of(409, "duplicate-content", "Duplicate clinical content",
                    "an event with the same patient, encounter, time and content was already accepted for this"
                            + " target").withExisting(d.existingEventId().toString()));
        } else if (result instanceof IntakeResult.WrongTenant) {
            Responses.problem(ctx, Problem.invalid(403, "wrong-tenant", "Wrong tenant",
                    List.of(new FieldError("/tenant", "is not the tenant of the API key used"))));
        }
    }

    /** Audits an event refused because it names someone other than the verified user (fields only, no content). */
    private void refusedIdentity(RequestAuth.Acting caller, List<FieldError> errors) {
        com.fasterxml.jackson.databind.node.ObjectNode d = dev.chartbridge.core.json.Json.MAPPER.createObjectNode();
        d.put("reason", "not the verified user: " + errors.stream().map(FieldError::pointer)
                .collect(java.util.stream.Collectors.joining(", ")));
        jdbc.inTransaction(c -> {
            AuditLog.append(c, caller.tenantId(), caller.actor(), "event.refused", null, null,
                    dev.chartbridge.core.json.Json.canonical(d));
            return null;
        });
    }

    void status(Context ctx) {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        Optional<EventView> view = id == null ? Optional.empty() : events.find(caller.get().tenantId(), id);
        if (view.isEmpty()) {
            Responses.problem(ctx, notFound());
            return;
        }
        reads.recordRead(caller.get().tenantId(), auth.readerActor(ctx, caller.get()), "event-status", id);
        Responses.json(ctx, 200, view.get());
    }

    /**
     * The tenant's audit trail as FHIR R4 AuditEvent and Provenance NDJSON, by patient and time range, one page of
     * entries per call ({@code limit}, default 1,000, at most 10,000), written as it is encoded. When entries
     * remain, a {@code Link: <...&cursor=N>; rel="next"} header names the next page: nothing is cut silently.
     */
    void audit(Context ctx) throws IOException {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
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
        Instant from = Params.instant(ctx, "from", errors);
        Instant to = Params.instant(ctx, "to", errors);
        Long limit = Params.positive(ctx, "limit", AuditQueries.MAX_PAGE, errors);
        Long cursor = Params.positive(ctx, "cursor", Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-query", "Invalid query", errors));
            return;
        }
        AuditQueries.Page page = new AuditQueries(jdbc).page(caller.get().tenantId(), patient, from, to, cursor,
                limit == null ? DEFAULT_AUDIT_PAGE : limit.intValue());
        reads.recordQuery(caller.get().tenantId(), auth.readerActor(ctx, caller.get()), "audit-export", patient,
                ctx.queryString());
        ctx.status(200).contentType("application/fhir+ndjson");
        if (page.next() != null) {
            ctx.header("Link", "<" + nextPage(ctx, page.next()) + ">; rel=\"next\"");
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
        FhirAuditExport.writeNdjson(page.rows(), out);
    }

    /** This request's URL with {@code cursor} set to the next page's. */
    private static String nextPage(Context ctx, long next) {
        StringBuilder url = new StringBuilder(ctx.path()).append("?cursor=").append(next);
        ctx.queryParamMap().forEach((name, values) -> {
            if (!name.equals("cursor")) {
                values.forEach(v -> url.append('&').append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            }
        });
        return url.toString();
    }

    /** A second clinician approves a held medication change; its writes enter the queue. */
    void approve(Context ctx) {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = bodies.readJson(ctx, errors);
        Approval approval = tree == null ? null : Approvals.parse(tree, errors);
        if (approval == null || id == null) {
            Responses.problem(ctx, id == null ? notFound()
                    : Problem.invalid(400, "invalid-approval", "Invalid approval",
                    errors.isEmpty() ? List.of(new FieldError("", "send a JSON object")) : errors));
            return;
        }
        UserAssertions.VerifiedUser user = caller.get().user();
        Approvals.Result result = approvals.approve(caller.get().tenantId(), caller.get().actor(), id, approval,
                user == null ? null : new Approvals.VerifiedApprover(user.npi(), user.role()));
        switch (result.outcome()) {
            case APPROVED -> Responses.json(ctx, 200, Map.of("id", id, "released", result.released()));
            case NOT_FOUND -> Responses.problem(ctx, notFound());
            case NOT_AWAITING -> Responses.problem(ctx, Problem.of(409, "not-awaiting-approval",
                    "Nothing awaits approval", "this event has no write waiting for approval"));
            case REFUSED -> Responses.problem(ctx, Problem.invalid(422, "approval-refused", "Approval refused",
                    result.errors()));
        }
    }

    /**
     * Per connection of the caller's tenant: which event types it takes, how, and why not; and whether the
     * provenance of AI-assisted content is sent to it or kept locally, and why.
     */
    void capabilities(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<Map<String, Object>> connections = new ArrayList<>();
        targets.all().stream().filter(t -> t.tenantId().equals(caller.get().tenantId()))
                .sorted(Comparator.comparing(Target::name)).forEach(t -> {
                    VendorProfile profile = VendorProfiles.of(t.adapter().vendor());
                    Map<String, Object> types = new LinkedHashMap<>();
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
        Responses.json(ctx, 200, Map.of("tenant", caller.get().tenantId(), "connections", connections));
    }

    private static Problem notFound() {
        return Problem.of(404, "not-found", "Not found", "no event with that id");
    }
}
