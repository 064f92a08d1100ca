package dev.chartbridge.ehr;

import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.VerifyOutcome;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A patient's records of one kind as listed by a vendor that keeps no identifiers of ours and nothing idempotent
 * (AdvancedMD, Veradigm), and what find, verify and read-back make of the listing: an earlier send is found by the
 * write's content fingerprint (none matching is absent, several are ambiguous, never a guess); a written record is
 * verified, and read back, by its id in the listing. How a row is read (its id, its differences from the write,
 * whether it is older than the event, what read-back compares) is the vendor's. Immutable.
 *
 * @param kind     the kind of record, as the vendor names it in a {@link RemoteRef}
 * @param rows     the listed records
 * @param id       a row's record id
 * @param exchange the listing call
 */
public record ListedRecords<R>(String kind, List<R> rows, Function<R, String> id, Exchange exchange) {

    /** The rows that hold the write: one is {@link FindOutcome.Found}, none absent, several ambiguous. */
    public FindOutcome find(Predicate<R> holdsWrite) {
        List<RemoteRef> matches = rows.stream().filter(holdsWrite)
                .map(r -> new RemoteRef(kind, id.apply(r), null)).toList();
        if (matches.isEmpty()) {
            return new FindOutcome.Absent(exchange);
        }
        return matches.size() == 1 ? new FindOutcome.Found(matches.get(0), exchange)
                : new FindOutcome.Ambiguous(matches, exchange);
    }

    /**
     * The record with this id compared with the write: not yet readable when it is not listed, verified when
     * {@code differences} finds none, else modified.
     */
    public VerifyOutcome verify(String recordId, Function<R, List<String>> differences,
                                BiFunction<R, Exchange, ReadBack.Present> present) {
        R row = row(recordId);
        if (row == null) {
            return new VerifyOutcome.NotYetReadable(exchange);
        }
        List<String> found = differences.apply(row);
        ReadBack.Present seen = present.apply(row, exchange);
        return found.isEmpty() ? new VerifyOutcome.Verified(exchange, seen)
                : new VerifyOutcome.Modified(found, exchange, seen);
    }

    /** The record with this id as it stands now, or deleted when the listing no longer holds it. */
    public ReadBack readBack(String recordId, BiFunction<R, Exchange, ReadBack.Present> present) {
        R row = row(recordId);
        return row == null ? new ReadBack.Deleted(exchange) : present.apply(row, exchange);
    }

    /** The first listed row with this id, or null. */
    public R row(String recordId) {
        return rows.stream().filter(r -> recordId.equals(id.apply(r))).findFirst().orElse(null);
    }
}
