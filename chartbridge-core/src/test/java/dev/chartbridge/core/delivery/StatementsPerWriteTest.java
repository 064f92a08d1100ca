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
 * state's move, the queue's change, the look for the patient line's key and the clearing of it. 15 since: the
 * claim loads what it claims, and the lease fence, the queue change and the state's move (with the line's key)
 * are one statement per transition. What is left: the webhooks query per notice, the attempt, read-back's watch,
 * the line's lock and release, the fan-out check of a terminal write, the audit entry, two commits.
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
        assertThat(rig.statements.count()).as("%s", rig.statements.statements()).isLessThanOrEqualTo(15);
    }
}
