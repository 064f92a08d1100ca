package dev.chartbridge.core.delivery;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many round trips the delivery engine makes to PostgreSQL for one delivered write (issue #17): the claim,
 * the load, both recorded transitions and their commits, counted by {@code StatementCounter} on the real
 * database. The figure is a ceiling: a change that adds a statement to every write must say why here.
 *
 * <p>22 before issue #17: the claim and its commit, a separate load, and per transition a lease check, the
 * state's move, the queue's change, the look for the patient line's key and the clearing of it, and the fan-out
 * check (the event locked, its writes read) of every terminal write. 13 since: the claim loads what it claims;
 * the lease fence, the queue change and the state's move (with the line's key) are one statement per
 * transition; the fan-out check runs only under the entered-in-error policy. What is left: the claim and its
 * commit (shared by a batch), per transition the move, the webhooks query of its notice and the commit, and for
 * the outcome the attempt, read-back's watch, the patient line's lock and release, the audit entry.
 */
class StatementsPerWriteTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void a_delivered_write_without_verification_costs_at_most_the_counted_statements() {
        Rig rig = new Rig(pg, Rig.POLICY.withVerify(false), null, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.statements.reset();

        assertThat(rig.runDue()).isEqualTo(1);

        assertThat(rig.state(op)).isEqualTo("CREATED_UNVERIFIED");
        assertThat(rig.statements.count()).as("%s", rig.statements.statements()).isLessThanOrEqualTo(13);
    }
}
