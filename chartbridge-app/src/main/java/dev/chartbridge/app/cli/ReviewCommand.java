package dev.chartbridge.app.cli;

import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.review.ReviewFilter;
import dev.chartbridge.core.review.ReviewItem;
import dev.chartbridge.core.review.ReviewQueries;
import dev.chartbridge.core.review.ReviewQueue;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code review list} and {@code review retry}: the undelivered writes of a tenant from the command line, on the
 * gateway's database, as the API offers them ({@code GET /v1/review}, {@code POST /v1/review/retry}).
 */
@Command(name = "review", description = "Undelivered writes: list them, retry DEAD or REJECTED ones in bulk.",
        subcommands = {ReviewCommand.ListWrites.class, ReviewCommand.Retry.class})
final class ReviewCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The filter both subcommands take. */
    static class Filter extends AuditCommand.DatabaseOptions {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--state", description = "e.g. DEAD, REJECTED, NEEDS_REVIEW, RETRY_WAIT")
        OperationState state;

        @Option(names = "--target", description = "connection name")
        String target;

        @Option(names = "--error-class", description = "e.g. TRANSIENT, AUTH, INVALID")
        String errorClass;

        @Option(names = "--since", description = "last changed at or after, e.g. 2026-12-01T00:00:00Z")
        Instant since;

        @Option(names = "--until", description = "last changed before")
        Instant until;

        @Option(names = "--limit", defaultValue = "50", description = "1 to 500")
        int limit;

        ReviewFilter filter() {
            return new ReviewFilter(state, target, errorClass, since, until, limit);
        }
    }

    @Command(name = "list", description = "List undelivered writes as JSON lines.")
    static final class ListWrites extends Filter implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try (Database db = open()) {
                List<ReviewItem> items = new ReviewQueries(new Jdbc(db.dataSource())).list(tenant, filter());
                for (ReviewItem i : items) {
                    System.out.println(Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode()
                            .put("id", i.id().toString()).put("eventId", i.eventId().toString())
                            .put("target", i.target()).put("state", i.state()).put("errorClass", i.errorClass())
                            .put("detail", i.errorDetail()).put("sends", i.sends())
                            .put("since", i.inReviewSince().toString())));
                }
                System.err.println(items.size() + " writes");
                return 0;
            }
        }
    }

    @Command(name = "retry", description = "Retry every DEAD or REJECTED write the filter matches (audited).")
    static final class Retry extends Filter implements Callable<Integer> {
        @Option(names = "--actor", required = true, description = "who retries: a user id or NPI")
        String actor;

        @Option(names = "--reason", required = true, description = "why, e.g. the fix of the cause")
        String reason;

        @Override
        public Integer call() {
            try (Database db = open()) {
                ReviewQueue.BulkResult result = new ReviewQueue(new Jdbc(db.dataSource()))
                        .retryAll(tenant, "cli", filter(), actor, reason);
                result.items().forEach(i -> System.out.printf("%s %s %s -> %s%n", i.id(), i.result().outcome(),
                        i.result().from(), i.result().to()));
                System.err.println(result.retried() + " of " + result.items().size() + " writes retried");
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
    }
}
