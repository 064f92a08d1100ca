package dev.chartbridge.core.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.FieldError;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One reviewer's action on one operation, as sent in {@code POST /v1/review/{operationId}/actions}.
 *
 * @param actor    who acts: a user id or NPI, asserted by the calling app under the tenant's key
 * @param reason   why; required for {@link ReviewAction#RESEND_ANYWAY}
 * @param remoteId the EHR's id of the record; required for {@link ReviewAction#MARK_DELIVERED}
 */
public record ReviewRequest(ReviewAction action, String actor, String reason, String remoteId) {
    static final int MAX_ACTOR = 200;
    static final int MAX_REASON = 2000;
    static final int MAX_REMOTE_ID = 200;

    /** Reads a request body, adding every invalid field to {@code errors}; null when any field is invalid. */
    public static ReviewRequest parse(JsonNode body, List<FieldError> errors) {
        int before = errors.size();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("", "send a JSON object"));
            return null;
        }
        String actionName = text(body, "action", 40, errors);
        ReviewAction action = null;
        if (actionName != null) {
            action = ReviewAction.fromWire(actionName).orElse(null);
            if (action == null) {
                errors.add(new FieldError("/action", "must be one of " + Arrays.stream(ReviewAction.values())
                        .map(ReviewAction::wireName).collect(Collectors.joining(", "))));
            }
        } else if (errors.size() == before) {
            errors.add(new FieldError("/action", "is required"));
        }
        String actor = text(body, "actor", MAX_ACTOR, errors);
        if (actor == null && errors.stream().noneMatch(e -> e.pointer().equals("/actor"))) {
            errors.add(new FieldError("/actor", "is required: the user id or NPI of who acts"));
        }
        String reason = text(body, "reason", MAX_REASON, errors);
        String remoteId = text(body, "remoteId", MAX_REMOTE_ID, errors);
        if (action == ReviewAction.RESEND_ANYWAY && reason == null && absent(errors, "/reason")) {
            errors.add(new FieldError("/reason", "is required to resend without searching the EHR first"));
        }
        if (action == ReviewAction.MARK_DELIVERED && remoteId == null && absent(errors, "/remoteId")) {
            errors.add(new FieldError("/remoteId", "is required: the id of the record found in the EHR"));
        }
        return errors.size() == before ? new ReviewRequest(action, actor, reason, remoteId) : null;
    }

    /** The field's trimmed text; null when absent or blank. A non-string or too long value is an error. */
    private static String text(JsonNode body, String name, int max, List<FieldError> errors) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError("/" + name, "must be a string"));
            return null;
        }
        String s = v.asText().strip();
        if (s.length() > max) {
            errors.add(new FieldError("/" + name, "must be at most " + max + " characters"));
            return null;
        }
        return s.isEmpty() ? null : s;
    }

    private static boolean absent(List<FieldError> errors, String pointer) {
        return errors.stream().noneMatch(e -> e.pointer().equals(pointer));
    }
}
