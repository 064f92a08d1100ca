package dev.chartbridge.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.http.SearchQuery;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.search.EventSummary;
import dev.chartbridge.core.search.Search;
import dev.chartbridge.core.search.SearchFilter;
import dev.chartbridge.core.search.SearchPage;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.status.EventView;
import dev.chartbridge.core.store.Jdbc;
import io.javalin.http.Context;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** The console's event search and event timeline. Thread-safe. */
final class EventPages {
    /** The search form's fields, as the API's query parameters. */
    static final List<String> FIELDS = List.of("patient", "state", "target", "type", "errorClass", "since", "until",
            "author");

    private final ConsoleRoutes console;
    private final Jdbc jdbc;
    private final Search search;
    private final EventQueries events;

    EventPages(ConsoleRoutes console, Jdbc jdbc) {
        this.console = console;
        this.jdbc = jdbc;
        this.search = new Search(jdbc);
        this.events = new EventQueries(jdbc);
    }

    void search(Context ctx, ConsoleSessions.Session s) {
        Map<String, String> query = new LinkedHashMap<>();
        FIELDS.forEach(f -> query.put(f, Optional.ofNullable(ctx.queryParam(f)).orElse("")));
        List<FieldError> errors = new ArrayList<>();
        SearchFilter filter = SearchQuery.parse(ctx::queryParam, errors);
        List<EventSummary> items = List.of();
        String next = null;
        if (filter != null) {
            SearchPage<EventSummary> page = search.events(s.tenantId(), filter);
            items = page.items();
            if (page.next() != null) {
                next = ConsoleRoutes.BASE + "/events?" + query.entrySet().stream().filter(e -> !e.getValue().isBlank())
                        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"))
                        + "&cursor=" + page.next().encode();
            }
            console.audit().viewed(s, "event-search", null, Map.of("filters",
                    query.entrySet().stream().filter(e -> !e.getValue().isBlank()).map(Map.Entry::getKey).toList(),
                    "events", items.stream().map(EventSummary::id).toList()));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", console.chrome(s, "events"));
        model.put("query", query);
        model.put("errors", errors.stream().map(e -> e.pointer().replace("query:", "") + " " + e.detail()).toList());
        model.put("items", items);
        model.put("next", next == null ? "" : next);
        console.view().render(ctx, errors.isEmpty() ? 200 : 400, "events", model);
    }

    void timeline(Context ctx, ConsoleSessions.Session s) {
        UUID id = uuid(ctx.pathParam("id"));
        Optional<EventView> view = id == null ? Optional.empty() : events.find(s.tenantId(), id);
        JsonNode body = view.isEmpty() ? null : body(s.tenantId(), id);
        if (view.isEmpty() || body == null) {
            console.view().render(ctx, 404, "refused", Map.of("message", "No event with that id in this tenant."));
            return;
        }
        console.audit().viewed(s, "event-timeline", id, Map.of());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", console.chrome(s, "events"));
        model.put("event", view.get());
        model.put("patient", tokens(body.path("patient").path("identifiers")));
        JsonNode author = body.path("author");
        model.put("author", (author.path("name").asText("") + " (" + author.path("role").asText("") + ", NPI "
                + author.path("npi").asText("") + ")").strip());
        model.put("occurredAt", body.path("occurredAt").asText(""));
        model.put("provenance", pretty(body.path("provenance")));
        model.put("payload", pretty(body.path("payload")));
        console.view().render(ctx, 200, "timeline", model);
    }

    private JsonNode body(String tenantId, UUID id) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM clinical_event WHERE id = ?"
                    + " AND tenant_id = ?")) {
                ps.setObject(1, id);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Json.MAPPER.readTree(rs.getString(1)) : null;
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("stored events are JSON", e);
                }
            }
        });
    }

    private static String tokens(JsonNode identifiers) {
        List<String> out = new ArrayList<>();
        identifiers.forEach(i -> out.add(i.path("system").asText() + "|" + i.path("value").asText()));
        return String.join(", ", out);
    }

    private static String pretty(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
