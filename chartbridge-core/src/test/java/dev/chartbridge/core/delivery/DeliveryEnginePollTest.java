package dev.chartbridge.core.delivery;

import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.testing.Awaits;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.testing.StatementCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one node's poller sends the database: a queue whose last claim filled its room is claimed from without
 * first asking whether it has due work (issue #17); once a claim comes back short, the poller asks again.
 */
class DeliveryEnginePollTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void a_queue_whose_claim_filled_its_room_is_claimed_from_next_without_the_due_probe() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        StatementCounter statements = new StatementCounter();
        DeliveryPolicy d = Rig.POLICY;
        // A batch of one: the first claim fills its room.
        DeliveryPolicy policy = new DeliveryPolicy(d.maxSends(), d.baseDelay(), d.maxDelay(), d.maxChecks(),
                d.reconcileDelay(), Duration.ofSeconds(5), Duration.ofMillis(20), 1, false, d.pendingDeadline());
        DeliveryEngine engine = new DeliveryEngine(new Jdbc(statements.wrap(pg.database().dataSource())),
                rig.targets, policy, new SimpleMeterRegistry(), "node-a", Duration.ofSeconds(5), Clock.systemUTC());
        engine.start();
        try {
            Awaits.until("delivered", () -> "CREATED_UNVERIFIED".equals(rig.state(op)), Duration.ofSeconds(30));
            Awaits.until("two polls after the short claim", () -> pollerStatements(statements).size() >= 5,
                    Duration.ofSeconds(30));
        } finally {
            engine.close();
        }

        assertThat(pollerStatements(statements).subList(0, 5)).as("%s", statements.statements())
                .containsExactly("probe", "claim", "claim", "probe", "probe");
        assertThat(rig.ehr("ehr").sends.get()).isEqualTo(1);
    }

    /** The poller's statements in order: the due probe and the claim. */
    private static List<String> pollerStatements(StatementCounter statements) {
        return statements.statements().stream()
                .filter(s -> s.equals(OperationStore.DUE_QUEUES_SQL) || s.startsWith("WITH claimed AS"))
                .map(s -> s.equals(OperationStore.DUE_QUEUES_SQL) ? "probe" : "claim").toList();
    }
}
