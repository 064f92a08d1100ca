package dev.chartbridge.app.http;

import dev.chartbridge.core.json.CalendarBounds;
import dev.chartbridge.core.json.FieldError;
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
        return instant(ctx.queryParam(name), name, errors);
    }

    /** {@code value} of query parameter {@code name} as an instant; null when absent, or invalid (then named). */
    static Instant instant(String value, String name, List<FieldError> errors) {
        try {
            Instant instant = value == null ? null : Instant.parse(value);
            if (instant != null && !CalendarBounds.holds(instant.atZone(java.time.ZoneOffset.UTC).getYear())) {
                errors.add(new FieldError("query:" + name, CalendarBounds.BOUNDS));
                return null;
            }
            return instant;
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("query:" + name, "must be an instant such as 2026-11-24T00:00:00Z"));
            return null;
        }
    }

    /** Query parameter {@code name} as a whole number 1 to {@code max}; null when absent or invalid (then named). */
    static Long positive(Context ctx, String name, long max, List<FieldError> errors) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return null;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        errors.add(new FieldError("query:" + name, "must be a whole number from 1 to " + max));
        return null;
    }
}
