package dev.chartbridge.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.chartbridge.core.json.FieldError;

import java.util.List;

/**
 * An RFC 9457 problem detail. {@code errors} lists every invalid field with a JSON Pointer into the request body
 * (or, for headers, {@code header:Name}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
                      String existingEventId) {
    static final String BASE = "https://chartbridge.dev/problems/";

    static Problem of(int status, String slug, String title, String detail) {
        return new Problem(BASE + slug, title, status, detail, null, null);
    }

    static Problem invalid(int status, String slug, String title, List<FieldError> errors) {
        String detail = errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid";
        return new Problem(BASE + slug, title, status, detail, errors, null);
    }

    /** This problem naming the field (or header) at fault, its detail kept. */
    Problem naming(String pointer, String fieldDetail) {
        return new Problem(type, title, status, detail, List.of(new FieldError(pointer, fieldDetail)), existingEventId);
    }

    Problem withExisting(String eventId) {
        return new Problem(type, title, status, detail, errors, eventId);
    }
}
