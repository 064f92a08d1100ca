package dev.chartbridge.app.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.approval.Approvals;
import dev.chartbridge.core.delivery.FanOutCompensation;
import dev.chartbridge.core.event.Approval;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.review.ReviewFilter;
import dev.chartbridge.core.review.ReviewItem;
import dev.chartbridge.core.review.ReviewQueries;
import dev.chartbridge.core.review.ReviewQueue;
import dev.chartbridge.core.review.ReviewRequest;
import dev.chartbridge.core.store.Jdbc;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The console's review queue: the undelivered writes with every action a reviewer has (retry, bulk retry, mark
 * delivered, discard, resend anyway, apply on current), and the medication changes waiting for a second
 * clinician's approval. Each action goes through the same core calls as the API and is audited the same way, with
 * the signed-in operator as the actor. Thread-safe.
 */
final class ReviewPages {
    private static final String PAGE = ConsoleRoutes.BASE + "/review";

    private final ConsoleRoutes console;
    private final ReviewQueries queries;
    private final ReviewQueue queue;
    private final Approvals approvals;

    ReviewPages(ConsoleRoutes console, Jdbc jdbc, Targets targets) {
        this.console = console;
        this.queries = new ReviewQueries(jdbc);
        this.queue = new ReviewQueue(jdbc, new FanOutCompensation(targets, "gateway:review"));
        this.approvals = new Approvals(jdbc);
    }

    void queue(Context ctx, ConsoleSessions.Session s) {
        String stateParam = blankToNull(ctx.queryParam("state"));
        OperationState state = ReviewFilter.LISTED.stream().filter(x -> x.name().equals(stateParam)).findFirst()
                .orElse(null);
        String target = blankToNull(ctx.queryParam("target"));
        String errorClass = blankToNull(ctx.queryParam("errorClass"));
        List<ReviewItem> items = queries.list(s.tenantId(), new ReviewFilter(state, target, errorClass, null, null,
                ReviewFilter.MAX_LIMIT));
        List<ReviewItem> waiting = queries.list(s.tenantId(), new ReviewFilter(OperationState.AWAITING_APPROVAL,
                null, null, null, null, ReviewFilter.MAX_LIMIT));
        Map<UUID, List<ReviewItem>> byEvent = new LinkedHashMap<>();
        waiting.forEach(w -> byEvent.computeIfAbsent(w.eventId(), k -> new ArrayList<>()).add(w));
        console.audit().viewed(s, "review-queue", null, Map.of("writes", items.size(),
                "awaitingApproval", byEvent.size()));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", console.chrome(s, "review"));
        model.put("items", items);
        model.put("approvals", List.copyOf(byEvent.keySet()));
        model.put("state", stateParam == null ? "" : stateParam);
        model.put("target", target == null ? "" : target);
        model.put("errorClass", errorClass == null ? "" : errorClass);
        model.put("states", ReviewFilter.LISTED.stream().map(Enum::name).sorted().toList());
        model.put("roles", Arrays.stream(AuthorRole.values()).filter(AuthorRole::mayOrderMedication)
                .map(AuthorRole::wireName).toList());
        console.view().render(ctx, 200, "review", model);
    }

    /** One action on one write. */
    void act(Context ctx, ConsoleSessions.Session s) {
        UUID id = EventPages.uuid(ctx.pathParam("id"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("action", ctx.formParam("action"));
        body.put("actor", s.operator());
        putIfGiven(body, "reason", ctx.formParam("reason"));
        putIfGiven(body, "remoteId", ctx.formParam("remoteId"));
        List<FieldError> errors = new ArrayList<>();
        ReviewRequest request = ReviewRequest.parse(body, errors);
        if (id == null || request == null) {
            console.redirect(ctx, s, back(ctx), null, id == null ? "No such write." : describe(errors));
            return;
        }
        ReviewQueue.Result r = queue.act(s.tenantId(), s.actor(), id, request);
        String error = switch (r.outcome()) {
            case DONE -> null;
            case NOT_FOUND -> "No such write in this tenant.";
            case NOT_IN_REVIEW -> "The write is " + r.from() + ", not in review; another reviewer may have acted first.";
            case COMPENSATED -> "The event's other writes were marked entered-in-error after this one failed; submit"
                    + " a new event instead.";
            case STALE_VERSION -> "A retry would meet the same conflict: apply on current, resend anyway (with a"
                    + " reason), or discard.";
            case NOT_A_CONFLICT -> "Apply on current is for an update in CONFLICT; the write is " + r.from() + ".";
        };
        console.redirect(ctx, s, back(ctx), error == null ? request.action().wireName() + ": " + id + " went from "
                + r.from() + " to " + r.to() + "." : null, error);
    }

    /** Retries every DEAD or REJECTED write matching the form's filter. */
    void retryAll(Context ctx, ConsoleSessions.Session s) {
        String stateName = blankToNull(ctx.formParam("state"));
        OperationState state = "DEAD".equals(stateName) ? OperationState.DEAD
                : "REJECTED".equals(stateName) ? OperationState.REJECTED : null;
        String reason = blankToNull(ctx.formParam("reason"));
        if ((stateName != null && state == null) || reason == null || reason.length() > 2000) {
            console.redirect(ctx, s, PAGE, null, "A bulk retry takes DEAD or REJECTED (or both) and a reason.");
            return;
        }
        ReviewQueue.BulkResult result = queue.retryAll(s.tenantId(), s.actor(), new ReviewFilter(state,
                blankToNull(ctx.formParam("target")), blankToNull(ctx.formParam("errorClass")), null, null,
                ReviewFilter.MAX_LIMIT), s.operator(), reason);
        console.redirect(ctx, s, PAGE, "Bulk retry: " + result.retried() + " of " + result.items().size()
                + " writes retried.", null);
    }

    /** A second clinician approves a held medication change. */
    void approve(Context ctx, ConsoleSessions.Session s) {
        UUID id = EventPages.uuid(ctx.pathParam("id"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        putIfGiven(body, "approverNpi", ctx.formParam("approverNpi"));
        putIfGiven(body, "role", ctx.formParam("role"));
        putIfGiven(body, "statement", ctx.formParam("statement"));
        List<FieldError> errors = new ArrayList<>();
        Approval approval = Approvals.parse(body, errors);
        if (id == null || approval == null) {
            console.redirect(ctx, s, back(ctx), null, id == null ? "No such event." : describe(errors));
            return;
        }
        Approvals.Result r = approvals.approve(s.tenantId(), s.actor(), id, approval);
        switch (r.outcome()) {
            case APPROVED -> console.redirect(ctx, s, back(ctx), "Approved: " + r.released()
                    + " write(s) of event " + id + " released.", null);
            case NOT_FOUND -> console.redirect(ctx, s, back(ctx), null, "No such event in this tenant.");
            case NOT_AWAITING -> console.redirect(ctx, s, back(ctx), null, "Nothing of this event awaits approval.");
            case REFUSED -> console.redirect(ctx, s, back(ctx), null, "Approval refused: " + describe(r.errors()));
        }
    }

    /** Where the form asked to return: a console page only (never another site). */
    private static String back(Context ctx) {
        String to = ctx.formParam("return");
        return to != null && to.matches("/console/[A-Za-z0-9/_?=&%.-]*") && !to.contains("//") ? to : PAGE;
    }

    private static String describe(List<FieldError> errors) {
        return errors.stream().map(e -> e.pointer().replace("/", "") + " " + e.detail())
                .collect(Collectors.joining("; "));
    }

    private static void putIfGiven(ObjectNode body, String name, String value) {
        if (value != null && !value.isBlank()) {
            body.put(name, value);
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }
}
