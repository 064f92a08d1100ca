package dev.chartbridge.app.http;

import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.search.Search;
import dev.chartbridge.core.search.SearchFilter;
import dev.chartbridge.core.search.SearchPage;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * {@code GET /v1/events} and {@code GET /v1/operations}: the tenant's events or writes by patient, state, target,
 * event type, error class, time window and author, newest first, a page at a time. The answer's {@code next} (and
 * a {@code Link: rel="next"} header) is the opaque cursor of the following page; absent on the last page.
 * Thread-safe.
 */
final class SearchRoutes {
    private final RequestAuth auth;
    private final Search search;

    SearchRoutes(RequestAuth auth, Jdbc jdbc) {
        this.auth = auth;
        this.search = new Search(jdbc);
    }

    void events(Context ctx) {
        answer(ctx, search::events);
    }

    void operations(Context ctx) {
        answer(ctx, search::operations);
    }

    private void answer(Context ctx, BiFunction<String, SearchFilter, SearchPage<?>> find) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        SearchFilter filter = SearchQuery.parse(ctx::queryParam, errors);
        if (filter == null) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-query", "Invalid query", errors));
            return;
        }
        SearchPage<?> page = find.apply(caller.get().tenantId(), filter);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items());
        if (page.next() != null) {
            String link = SearchQuery.nextLink(ctx.path(), ctx.queryParamMap(), page.next());
            ctx.header("Link", "<" + link + ">; rel=\"next\"");
            body.put("next", page.next().encode());
        }
        Responses.json(ctx, 200, body);
    }
}
