package dev.chartbridge.core.search;

import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.event.OperationState;

import java.time.Instant;

/**
 * What an event or operation search keeps; a null component does not filter. Immutable.
 *
 * @param patient    one of the patient's identifiers ({@code system|value}), as the event named it
 * @param state      an operation state: an event matches when one of its writes is in it
 * @param target     a connection name of the tenant
 * @param eventType  the event's wire type, e.g. {@code vitals}, {@code medication-change}
 * @param errorClass the error class a write last met, e.g. {@code TRANSIENT}, {@code INVALID}
 * @param since      accepted (events) or planned (operations) at or after this instant
 * @param until      accepted (events) or planned (operations) before this instant
 * @param author     the author's NPI
 * @param cursor     where the previous page ended ({@link SearchCursor}); null for the first page
 * @param limit      1 to {@link #MAX_LIMIT}
 */
public record SearchFilter(Identifier patient, OperationState state, String target, String eventType,
                           String errorClass, Instant since, Instant until, String author, SearchCursor cursor,
                           int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public SearchFilter {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
    }

    /** Every event or operation of the tenant, newest first, one default page. */
    public static SearchFilter all() {
        return new SearchFilter(null, null, null, null, null, null, null, null, null, DEFAULT_LIMIT);
    }

    /** This filter continuing at {@code next}. */
    public SearchFilter after(SearchCursor next) {
        return new SearchFilter(patient, state, target, eventType, errorClass, since, until, author, next, limit);
    }

    /** Whether the filter names something only the operations carry (state, target, error class). */
    boolean onOperations() {
        return state != null || target != null || errorClass != null;
    }
}
