package dev.chartbridge.app.http;

import dev.chartbridge.core.intake.FieldError;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** Reading path and query parameters: a value that does not parse is null (and, for queries, a named error). */
final class Params {
    private Params() {
    }

    /** The path or query value as a UUID; null when it is not one (the routes answer 404: no such resource). */
    static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Query parameter {@code name} as an instant; null when absent, or invalid (then named in {@code errors}). */
    static Instant instant(Context ctx, String name, List<FieldError> errors) {
        String value = ctx.queryParam(name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("query:" + name, "must be an instant such as 2026-11-24T00:00:00Z"));
            return null;
        }
    }
}
