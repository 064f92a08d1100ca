package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.webhook.WebhookDeliveries;
import dev.chartbridge.core.webhook.WebhookReplays;
import dev.chartbridge.core.webhook.Webhooks;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /v1/webhooks}: a tenant registers, changes, lists and removes the URLs its events' status changes are
 * delivered to (with optional filters by notice type and operation state), reads each webhook's recorded
 * deliveries, sends a test ping and resends a finished delivery. The signing secret is in the registration's
 * answer only. A URL whose host resolves to an address the gateway refuses (loopback, private, link-local,
 * metadata, ...; see {@code ReceiverAddressPolicy}) is a 400 naming {@code /url}. Thread-safe.
 */
final class WebhookRoutes {
    private static final int MAX_LIMIT = 500;

    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final Webhooks webhooks;
    private final WebhookDeliveries deliveries;
    private final WebhookReplays replays;

    WebhookRoutes(RequestAuth auth, RequestBodies bodies, Jdbc jdbc, Webhooks webhooks) {
        this.auth = auth;
        this.bodies = bodies;
        this.webhooks = webhooks;
        this.deliveries = new WebhookDeliveries(jdbc);
        this.replays = new WebhookReplays(jdbc);
    }

    void register(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        WebhookBody b = body(ctx, errors);
        if (errors.isEmpty()) {
            errors.addAll(Webhooks.validate(b.url, b.description));
            errors.addAll(Webhooks.validateFilters(b.noticeTypes, b.states));
        }
        if (errors.isEmpty()) {
            webhooks.receiverRefusal(b.url).ifPresent(errors::add);
        }
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-webhook", "Invalid webhook", errors));
            return;
        }
        Webhooks.Registered r = webhooks.register(caller.get().tenantId(), caller.get().actor(), b.url,
                b.description, b.noticeTypes, b.states);
        Map<String, Object> answer = view(r.webhook());
        answer.put("secret", r.secret());
        ctx.header("Location", "/v1/webhooks/" + r.webhook().id());
        Responses.json(ctx, 201, answer);
    }

    /** PATCH: changes the fields given; a URL is checked as at registration. */
    void update(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        List<FieldError> errors = new ArrayList<>();
        WebhookBody b = body(ctx, errors);
        if (errors.isEmpty()) {
            if (!b.tree.fieldNames().hasNext()) {
                errors.add(new FieldError("", "must change at least one of url, description, noticeTypes, states"));
            }
            errors.addAll(b.has("url") ? Webhooks.validate(b.url, b.description)
                    : Webhooks.validateDescription(b.description));
            errors.addAll(Webhooks.validateFilters(b.noticeTypes, b.states));
        }
        if (errors.isEmpty() && b.url != null) {
            webhooks.receiverRefusal(b.url).ifPresent(errors::add);
        }
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-webhook", "Invalid webhook", errors));
            return;
        }
        Optional<Webhooks.Webhook> changed = id == null ? Optional.empty()
                : webhooks.update(caller.get().tenantId(), caller.get().actor(), id, b.changes());
        if (changed.isEmpty()) {
            Responses.problem(ctx, notFound());
            return;
        }
        Responses.json(ctx, 200, view(changed.get()));
    }

    void list(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isPresent()) {
            Responses.json(ctx, 200, Map.of("items",
                    webhooks.list(caller.get().tenantId()).stream().map(WebhookRoutes::view).toList()));
        }
    }

    void remove(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        if (id == null || !webhooks.remove(caller.get().tenantId(), caller.get().actor(), id)) {
            Responses.problem(ctx, notFound());
            return;
        }
        ctx.status(204);
    }

    /** Queues a {@code webhook.ping} notice; 202 with the delivery's id (its outcome is read in the deliveries). */
    void ping(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        UUID delivery = id == null ? null : replays.ping(caller.get().tenantId(), caller.get().actor(), id);
        if (delivery == null) {
            Responses.problem(ctx, notFound());
            return;
        }
        Responses.json(ctx, 202, queued(id, delivery));
    }

    /** Queues a finished delivery's message again; 409 while it is still pending. */
    void resend(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        UUID deliveryId = Params.uuid(ctx.pathParam("deliveryId"));
        WebhookReplays.Resend r = id == null || deliveryId == null ? new WebhookReplays.Resend.NotFound()
                : replays.resend(caller.get().tenantId(), caller.get().actor(), id, deliveryId);
        if (r instanceof WebhookReplays.Resend.Queued q) {
            Responses.json(ctx, 202, queued(id, q.deliveryId()));
        } else if (r instanceof WebhookReplays.Resend.StillPending) {
            Responses.problem(ctx, Problem.of(409, "delivery-pending", "Delivery pending",
                    "the delivery is still pending and will be attempted; resend it once it has finished"));
        } else {
            Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "no such delivery of that webhook"));
        }
    }

    void deliveries(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        int limit = 100;
        String given = ctx.queryParam("limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                Responses.problem(ctx, Problem.invalid(400, "invalid-query", "Invalid query",
                        List.of(new FieldError("query:limit", "must be an integer from 1 to " + MAX_LIMIT))));
                return;
            }
        }
        UUID id = Params.uuid(ctx.pathParam("id"));
        Optional<List<WebhookDeliveries.Delivery>> found = id == null ? Optional.empty()
                : deliveries.of(caller.get().tenantId(), id, limit);
        if (found.isEmpty()) {
            Responses.problem(ctx, notFound());
            return;
        }
        Responses.json(ctx, 200, Map.of("items", found.get()));
    }

    private WebhookBody body(Context ctx, List<FieldError> errors) {
        JsonNode tree = Json.parse(bodies.read(ctx), errors);
        return errors.isEmpty() ? WebhookBody.of(tree, errors) : null;
    }

    private static Map<String, Object> queued(UUID webhookId, UUID deliveryId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deliveryId", deliveryId);
        m.put("links", Map.of("deliveries", "/v1/webhooks/" + webhookId + "/deliveries"));
        return m;
    }

    private static Map<String, Object> view(Webhooks.Webhook w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("url", w.url());
        m.put("description", w.description());
        m.put("createdAt", w.createdAt());
        m.put("noticeTypes", w.noticeTypes());
        m.put("states", w.states());
        m.put("links", Map.of("deliveries", "/v1/webhooks/" + w.id() + "/deliveries"));
        return m;
    }

    private static Problem notFound() {
        return Problem.of(404, "not-found", "Not found", "no webhook with that id");
    }
}
