package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.webhook.WebhookDeliveries;
import dev.chartbridge.core.webhook.Webhooks;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /v1/webhooks}: a tenant registers, lists and removes the URLs its events' status changes are delivered
 * to, and reads each webhook's recorded deliveries. The signing secret is in the registration's answer only.
 * Thread-safe.
 */
final class WebhookRoutes {
    private static final int MAX_LIMIT = 500;

    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final Webhooks webhooks;
    private final WebhookDeliveries deliveries;

    WebhookRoutes(RequestAuth auth, RequestBodies bodies, Jdbc jdbc, Webhooks webhooks) {
        this.auth = auth;
        this.bodies = bodies;
        this.webhooks = webhooks;
        this.deliveries = new WebhookDeliveries(jdbc);
    }

    void register(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        byte[] body = bodies.read(ctx);
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = Json.parse(body, errors);
        if (errors.isEmpty() && (tree == null || !tree.isObject())) {
            errors.add(new FieldError("", "must be a JSON object {url, description}"));
        }
        String url = null;
        String description = null;
        if (errors.isEmpty()) {
            url = text(tree, "url", errors);
            description = text(tree, "description", errors);
            tree.fieldNames().forEachRemaining(f -> {
                if (!f.equals("url") && !f.equals("description")) {
                    errors.add(new FieldError("/" + f, "is not a webhook field (url, description)"));
                }
            });
        }
        if (errors.isEmpty()) {
            errors.addAll(Webhooks.validate(url, description));
        }
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-webhook", "Invalid webhook", errors));
            return;
        }
        Webhooks.Registered r = webhooks.register(caller.get().tenantId(), caller.get().actor(), url, description);
        Map<String, Object> answer = view(r.webhook());
        answer.put("secret", r.secret());
        ctx.header("Location", "/v1/webhooks/" + r.webhook().id());
        Responses.json(ctx, 201, answer);
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

    private static String text(JsonNode tree, String field, List<FieldError> errors) {
        JsonNode v = tree.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError("/" + field, "must be a string"));
            return null;
        }
        return v.asText();
    }

    private static Map<String, Object> view(Webhooks.Webhook w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("url", w.url());
        m.put("description", w.description());
        m.put("createdAt", w.createdAt());
        m.put("links", Map.of("deliveries", "/v1/webhooks/" + w.id() + "/deliveries"));
        return m;
    }

    private static Problem notFound() {
        return Problem.of(404, "not-found", "Not found", "no webhook with that id");
    }
}
