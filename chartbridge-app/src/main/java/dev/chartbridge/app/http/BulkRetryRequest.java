package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.review.ReviewFilter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;

/**
 * The body of {@code POST /v1/review/retry}: who retries and why (both required), and which DEAD or REJECTED
 * writes ({@code state}, {@code target}, {@code errorClass}, {@code since}, {@code until}, {@code limit}, each
 * optional).
 */
record BulkRetryRequest(String actor, String reason, ReviewFilter filter) {
    private static final int MAX_TEXT = 2000;

    /** Reads the body, adding every invalid field to {@code errors}; null when any field is invalid. */
    static BulkRetryRequest parse(JsonNode body, List<FieldError> errors) {
        int before = errors.size();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("", "send a JSON object"));
            return null;
        }
        String actor = text(body, "actor", errors, true);
        String reason = text(body, "reason", errors, true);
        String stateName = text(body, "state", errors, false);
        OperationState state = stateName == null ? null : ReviewRoutes.state(stateName, errors,
                EnumSet.of(OperationState.DEAD, OperationState.REJECTED), "/state");
        String target = text(body, "target", errors, false);
        String errorClass = text(body, "errorClass", errors, false);
        Instant since = instant(body, "since", errors);
        Instant until = instant(body, "until", errors);
        int limit = ReviewFilter.DEFAULT_LIMIT;
        JsonNode l = body.get("limit");
        if (l != null && !l.isNull()) {
            if (!l.canConvertToInt() || !l.isIntegralNumber() || l.asInt() < 1 || l.asInt() > ReviewFilter.MAX_LIMIT) {
                errors.add(new FieldError("/limit", "must be an integer from 1 to " + ReviewFilter.MAX_LIMIT));
            } else {
                limit = l.asInt();
            }
        }
        return errors.size() == before ? new BulkRetryRequest(actor, reason,
                new ReviewFilter(state, target, errorClass, since, until, limit)) : null;
    }

    private static String text(JsonNode body, String name, List<FieldError> errors, boolean required) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            if (required) {
                errors.add(new FieldError("/" + name, "is required"));
            }
            return null;
        }
        if (!v.isTextual() || v.asText().length() > MAX_TEXT) {
            errors.add(new FieldError("/" + name, "must be a string of at most " + MAX_TEXT + " characters"));
            return null;
        }
        return v.asText().strip();
    }

    private static Instant instant(JsonNode body, String name, List<FieldError> errors) {
        String value = text(body, name, errors, false);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("/" + name, "must be an instant such as 2026-11-24T00:00:00Z"));
            return null;
        }
    }
}
