package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.webhook.Webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JSON body of a webhook registration or change: {@code {url, description, noticeTypes, states}}, each
 * field's presence kept apart from its value (in a change, {@code null} clears a description or a filter, an
 * absent field is left alone). Unknown fields are errors. Not thread-safe (one per request).
 */
final class WebhookBody {
    private static final Set<String> FIELDS = Set.of("url", "description", "noticeTypes", "states");

    final String url;
    final String description;
    final List<String> noticeTypes;
    final List<String> states;
    final JsonNode tree;

    private WebhookBody(JsonNode tree, List<FieldError> errors) {
        this.tree = tree;
        this.url = text("url", errors);
        this.description = text("description", errors);
        this.noticeTypes = strings("noticeTypes", errors);
        this.states = strings("states", errors);
        tree.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                errors.add(new FieldError("/" + f, "is not a webhook field (url, description, noticeTypes,"
                        + " states)"));
            }
        });
    }

    /** The body's fields; null when it is not a JSON object (then named in {@code errors}). */
    static WebhookBody of(JsonNode tree, List<FieldError> errors) {
        if (tree == null || !tree.isObject()) {
            errors.add(new FieldError("", "must be a JSON object {url, description, noticeTypes, states}"));
            return null;
        }
        return new WebhookBody(tree, errors);
    }

    boolean has(String field) {
        return tree.has(field);
    }

    /** The change this body asks for (validated by the caller). */
    Webhooks.Changes changes() {
        return new Webhooks.Changes(url, has("description"), description, has("noticeTypes"), noticeTypes,
                has("states"), states);
    }

    private String text(String field, List<FieldError> errors) {
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

    private List<String> strings(String field, List<FieldError> errors) {
        JsonNode v = tree.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            errors.add(new FieldError("/" + field, "must be an array of strings (or null: all)"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                errors.add(new FieldError("/" + field + "/" + i, "must be a string"));
            } else if (!out.contains(v.get(i).asText())) {
                out.add(v.get(i).asText());
            }
        }
        return out;
    }
}
