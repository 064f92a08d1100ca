package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Targets;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;

/**
 * The fan-out compensation decision for the paths that end a write outside the engine (a reviewer's
 * {@code discard}): the same decision the engine takes when it ends one, with the same rules (see
 * {@code Compensations}). Thread-safe.
 */
public final class FanOutCompensation {
    private final Compensations compensations;

    /** @param actor who the audit names for a decision taken here, e.g. {@code user:<id>} */
    public FanOutCompensation(Targets targets, String actor) {
        this.compensations = new Compensations(targets, actor, new StoredEvents(Clock.systemUTC()));
    }

    /** Runs in the transaction that ended one of {@code eventId}'s writes; plans compensation when now due. */
    public void decide(Connection c, UUID eventId) throws SQLException {
        compensations.planIfPartial(c, eventId);
    }
}
