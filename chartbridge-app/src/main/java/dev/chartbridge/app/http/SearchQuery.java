package dev.chartbridge.app.http;

import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.search.SearchCursor;
import dev.chartbridge.core.search.SearchFilter;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a search's query parameters ({@code patient}, {@code state}, {@code target}, {@code type},
 * {@code errorClass}, {@code since}, {@code until}, {@code author}, {@code cursor}, {@code limit}) into a
 * {@link SearchFilter}, naming every invalid one ({@code query:<name>}). Shared by the API and the console.
 * Stateless.
 */
public final class SearchQuery {
    private SearchQuery() {
    }

    /**
     * @param param the value of a query parameter by name, null when absent (a blank value counts as absent, so
     *              an empty form field filters nothing)
     * @return the filter; null when any parameter is invalid (each then in {@code errors})
     */
    public static SearchFilter parse(Function<String, String> param, List<FieldError> errors) {
        int before = errors.size();
        Identifier patient = patient(value(param, "patient"), errors);
        OperationState state = state(value(param, "state"), errors);
        String type = value(param, "type");
        if (type != null && EventType.fromWire(type).isEmpty()) {
            errors.add(new FieldError("query:type", "must be one of " + EventType.allowedNames()));
        }
        String target = bounded(value(param, "target"), "target", errors);
        String errorClass = bounded(value(param, "errorClass"), "errorClass", errors);
        String author = bounded(value(param, "author"), "author", errors);
        Instant since = Params.instant(value(param, "since"), "since", errors);
        Instant until = Params.instant(value(param, "until"), "until", errors);
        String opaque = value(param, "cursor");
        SearchCursor cursor = opaque == null ? null : SearchCursor.decode(opaque).orElse(null);
        if (opaque != null && cursor == null) {
            errors.add(new FieldError("query:cursor", "is not a cursor this gateway gave (pass next unchanged)"));
        }
        int limit = limit(value(param, "limit"), errors);
        return errors.size() > before ? null
                : new SearchFilter(patient, state, target, type, errorClass, since, until, author, cursor, limit);
    }

    private static String value(Function<String, String> param, String name) {
        String v = param.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Identifier patient(String token, List<FieldError> errors) {
        if (token == null) {
            return null;
        }
        int bar = token.lastIndexOf('|');
        if (bar <= 0 || bar == token.length() - 1 || token.length() > 1300) {
            errors.add(new FieldError("query:patient", "must be system|value of a patient identifier"));
            return null;
        }
        return new Identifier(token.substring(0, bar), token.substring(bar + 1));
    }

    private static OperationState state(String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return OperationState.valueOf(value);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("query:state", "must be one of " + Arrays.stream(OperationState.values())
                    .map(Enum::name).collect(Collectors.joining(", "))));
            return null;
        }
    }

    private static String bounded(String value, String name, List<FieldError> errors) {
        if (value != null && value.length() > 200) {
            errors.add(new FieldError("query:" + name, "must be at most 200 characters"));
            return null;
        }
        return value;
    }

    private static int limit(String value, List<FieldError> errors) {
        if (value == null) {
            return SearchFilter.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= SearchFilter.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        errors.add(new FieldError("query:limit", "must be a whole number from 1 to " + SearchFilter.MAX_LIMIT));
        return SearchFilter.DEFAULT_LIMIT;
    }

    /** The path and query of the next page: this request's parameters with {@code cursor} replaced. */
    static String nextLink(String path, java.util.Map<String, List<String>> query, SearchCursor next) {
        StringBuilder url = new StringBuilder(path).append("?cursor=").append(next.encode());
        query.forEach((name, values) -> {
            if (!name.equals("cursor")) {
                values.forEach(v -> url.append('&').append(enc(name)).append('=').append(enc(v)));
            }
        });
        return url.toString();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
