package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.delivery.FanOutCompensation;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.review.ReviewFilter;
import dev.chartbridge.core.review.ReviewQueries;
import dev.chartbridge.core.review.ReviewQueue;
import dev.chartbridge.core.review.ReviewRequest;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET /v1/review}, {@code POST /v1/review/{id}/actions} and {@code POST /v1/review/retry}: the undelivered
 * writes over HTTP. Thread-safe.
 */
final class ReviewRoutes {
    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final ReviewQueries queries;
    private final ReviewQueue queue;
    private final PhiReads reads;

    ReviewRoutes(RequestAuth auth, RequestBodies bodies, Jdbc jdbc, Targets targets) {
        this.auth = auth;
        this.bodies = bodies;
        this.queries = new ReviewQueries(jdbc);
        this.reads = new PhiReads(jdbc);
        this.queue = new ReviewQueue(jdbc, new FanOutCompensation(targets, "gateway:review"));
    }

    void list(Context ctx) {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        OperationState state = state(ctx.queryParam("state"), errors, ReviewFilter.LISTED, "query:state");
        String target = text(ctx.queryParam("target"), "query:target", errors);
        String errorClass = text(ctx.queryParam("errorClass"), "query:errorClass", errors);
        Instant since = Params.instant(ctx, "since", errors);
        Instant until = Params.instant(ctx, "until", errors);
        int limit = limit(ctx.queryParam("limit"), errors);
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-query", "Invalid query", errors));
            return;
        }
        var items = queries.list(caller.get().tenantId(), new ReviewFilter(state, target, errorClass, since, until,
                limit));
        reads.recordQuery(caller.get().tenantId(), auth.readerActor(ctx, caller.get()), "review-list", null,
                ctx.queryString());
        Responses.json(ctx, 200, Map.of("items", items));
    }

    /**
     * {@code POST /v1/review/retry}: retries every DEAD or REJECTED write a filter matches (state, target,
     * errorClass, since, until, limit), each audited with the actor and the reason, both required.
     */
    void retryAll(Context ctx) {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = bodies.readJson(ctx, errors);
        BulkRetryRequest request = errors.isEmpty() ? BulkRetryRequest.parse(tree, errors) : null;
        if (request == null || !actedByVerifiedUser(caller.get(), request.actor(), errors)) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-bulk-retry", "Invalid bulk retry", errors));
            return;
        }
        ReviewQueue.BulkResult result = queue.retryAll(caller.get().tenantId(), caller.get().actor(),
                request.filter(), request.actor(), request.reason());
        List<Map<String, Object>> items = result.items().stream().map(i -> {
            Map<String, Object> item = new java.util.LinkedHashMap<>();
            item.put("id", i.id());
            item.put("outcome", i.result().outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            item.put("previousState", i.result().from());
            item.put("state", i.result().to());
            return item;
        }).toList();
        Responses.json(ctx, 200, Map.of("matched", items.size(), "retried", result.retried(), "items", items));
    }

    /**
     * Where the tenant verifies users ({@code X-User-Assertion}), the acting reviewer must be that user (its subject
     * or NPI); otherwise the calling app's word stands. Adds the field error when not.
     */
    private static boolean actedByVerifiedUser(RequestAuth.Acting caller, String actor, List<FieldError> errors) {
        UserAssertions.VerifiedUser user = caller.user();
        if (user == null || actor.equals(user.subject()) || actor.equals(user.npi())) {
            return true;
        }
        errors.add(new FieldError("/actor", "is not the verified user (the subject or NPI of X-User-Assertion)"));
        return false;
    }

    private static String text(String value, String pointer, List<FieldError> errors) {
        if (value != null && value.isBlank()) {
            errors.add(new FieldError(pointer, "must not be blank"));
            return null;
        }
        return value;
    }

    void act(Context ctx) {
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        if (id == null) {
            Responses.problem(ctx, notFound());
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = bodies.readJson(ctx, errors);
        ReviewRequest request = errors.isEmpty() ? ReviewRequest.parse(tree, errors) : null;
        if (request == null || !actedByVerifiedUser(caller.get(), request.actor(), errors)) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-review-action", "Invalid review action", errors));
            return;
        }
        ReviewQueue.Result result = queue.act(caller.get().tenantId(), caller.get().actor(), id, request);
        switch (result.outcome()) {
            case DONE -> Responses.json(ctx, 200, Map.of("id", id, "action", request.action().wireName(),
                    "previousState", result.from(), "state", result.to(), "links",
                    Map.of("event", "/v1/events/" + result.eventId())));
            case NOT_FOUND -> Responses.problem(ctx, notFound());
            case NOT_IN_REVIEW -> Responses.problem(ctx, Problem.of(409, "not-in-review", "Not in review",
                    "the operation is " + result.from() + ", not in review; another reviewer may have acted first"));
            case COMPENSATED -> Responses.problem(ctx, Problem.of(409, "compensated", "Compensated",
                    "the event's other writes were marked entered-in-error because this one failed; submit a new"
                            + " event instead"));
            case STALE_VERSION -> Responses.problem(ctx, Problem.of(409, "stale-version", "Retry would meet the same"
                    + " conflict", "a retry would send the same stale If-Match again: apply-on-current applies the"
                    + " change on the record's current version, resend-anyway (with a reason) replaces it, or discard"));
            case NOT_A_CONFLICT -> Responses.problem(ctx, Problem.of(409, "not-a-conflict", "Not a conflict",
                    "apply-on-current is for an update in CONFLICT; the operation is " + result.from()));
        }
    }

    private static Problem notFound() {
        return Problem.of(404, "not-found", "Not found", "no operation with that id");
    }

    static OperationState state(String value, List<FieldError> errors, java.util.Set<OperationState> allowed,
                                String pointer) {
        if (value == null) {
            return null;
        }
        try {
            OperationState s = OperationState.valueOf(value);
            if (allowed.contains(s)) {
                return s;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        errors.add(new FieldError(pointer, "must be one of " + allowed.stream().map(Enum::name)
                .collect(java.util.stream.Collectors.joining(", "))));
        return null;
    }

    static int limit(String value, List<FieldError> errors) {
        if (value == null) {
            return ReviewFilter.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= ReviewFilter.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError("query:limit", "must be an integer from 1 to " + ReviewFilter.MAX_LIMIT));
        return ReviewFilter.DEFAULT_LIMIT;
    }
}
