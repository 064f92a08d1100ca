package dev.chartbridge.app.cli;

import dev.chartbridge.app.http.SearchQuery;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.search.Search;
import dev.chartbridge.core.search.SearchFilter;
import dev.chartbridge.core.search.SearchPage;
import dev.chartbridge.core.status.EventQueries;
import dev.chartbridge.core.status.EventView;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code events search} and {@code events show}: what happened to a write, from a shell, on the gateway's
 * database, as the API answers it ({@code GET /v1/events}, {@code GET /v1/operations}, {@code GET /v1/events/{id}}).
 * Exit codes: 0 found, 1 no such event ({@code show}), 2 invalid options.
 */
@Command(name = "events", description = "Find events or writes by patient, state, target, type, error class,"
        + " time or author; show one event's writes, attempts and audited timeline.",
        subcommands = {EventsCommand.Find.class, EventsCommand.Show.class})
final class EventsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "search", description = "List events (or, with --operations, writes) as JSON lines, newest"
            + " first; the next page's cursor is printed last, on standard error.")
    static final class Find extends AuditCommand.DatabaseOptions implements Callable<Integer> {
        @Option(names = "--tenant", required = true)
        String tenant;
        @Option(names = "--patient", description = "system|value of a patient identifier")
        String patient;
        @Option(names = "--state", description = "a write's state, e.g. DEAD, NEEDS_REVIEW, VERIFIED")
        String state;
        @Option(names = "--target", description = "connection name")
        String target;
        @Option(names = "--type", description = "event type, e.g. vitals, medication-change")
        String type;
        @Option(names = "--error-class", description = "e.g. TRANSIENT, AUTH, INVALID")
        String errorClass;
        @Option(names = "--since", description = "accepted (or planned) at or after, e.g. 2026-12-01T00:00:00Z")
        String since;
        @Option(names = "--until", description = "accepted (or planned) before")
        String until;
        @Option(names = "--author", description = "the author's NPI")
        String author;
        @Option(names = "--cursor", description = "the cursor a previous page printed")
        String cursor;
        @Option(names = "--limit", description = "1 to 500 (default 50)")
        String limit;
        @Option(names = "--operations", description = "list writes instead of events")
        boolean operations;

        @Override
        public Integer call() throws Exception {
            Map<String, String> params = new HashMap<>();
            params.put("patient", patient);
            params.put("state", state);
            params.put("target", target);
            params.put("type", type);
            params.put("errorClass", errorClass);
            params.put("since", since);
            params.put("until", until);
            params.put("author", author);
            params.put("cursor", cursor);
            params.put("limit", limit);
            List<FieldError> errors = new ArrayList<>();
            SearchFilter filter = SearchQuery.parse(params::get, errors);
            if (filter == null) {
                errors.forEach(e -> System.err.println(e.pointer().replace("query:", "--") + " " + e.detail()));
                return 2;
            }
            try (Database db = open()) {
                Search search = new Search(new Jdbc(db.dataSource()));
                SearchPage<?> page = operations ? search.operations(tenant, filter) : search.events(tenant, filter);
                for (Object item : page.items()) {
                    System.out.println(Json.MAPPER.writeValueAsString(item));
                }
                System.err.println(page.items().size() + (operations ? " writes" : " events")
                        + (page.next() == null ? "" : "; next page: --cursor " + page.next().encode()));
                return 0;
            }
        }
    }

    @Command(name = "show", description = "Print one event's status, writes, attempts and audited timeline as JSON.")
    static final class Show extends AuditCommand.DatabaseOptions implements Callable<Integer> {
        @Option(names = "--tenant", required = true)
        String tenant;
        @Parameters(index = "0", description = "the event id")
        String id;

        @Override
        public Integer call() throws Exception {
            UUID eventId;
            try {
                eventId = UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                System.err.println("not an event id: " + id);
                return 2;
            }
            try (Database db = open()) {
                Optional<EventView> view = new EventQueries(new Jdbc(db.dataSource())).find(tenant, eventId);
                if (view.isEmpty()) {
                    System.err.println("no event " + eventId + " in tenant " + tenant);
                    return 1;
                }
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(view.get()));
                return 0;
            }
        }
    }
}
