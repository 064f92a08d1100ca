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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

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

    @Test
    void a_node_whose_slots_were_all_taken_claims_again_when_one_frees_not_at_its_next_poll() throws Exception {
        Rig rig = new Rig(pg, "ehr");
        // Five patients, five lines: all five writes are due at once, for a target of four slots (Rig).
        List<UUID> ops = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ops.add(rig.operation(rig.submitFor("20" + i, "ehr"), "ehr"));
        }
        Semaphore answers = new Semaphore(0);
        AtomicInteger sending = new AtomicInteger();
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> {
            sending.incrementAndGet();
            answers.acquireUninterruptibly();
            return ehr.create(w);
        };
        DeliveryPolicy d = Rig.POLICY;
        // A poll interval far longer than the test: only a freed slot can bring the fifth write's claim.
        DeliveryPolicy policy = new DeliveryPolicy(d.maxSends(), d.baseDelay(), d.maxDelay(), d.maxChecks(),
                d.reconcileDelay(), Duration.ofSeconds(60), Duration.ofMinutes(10), 32, false, d.pendingDeadline());
        DeliveryEngine engine = new DeliveryEngine(pg.jdbc(), rig.targets, policy, new SimpleMeterRegistry(),
                "node-a", Duration.ofSeconds(5), Clock.systemUTC());
        engine.start();
        try {
            Awaits.until("four sends under way", () -> sending.get() == 4, Duration.ofSeconds(30));
            assertThat(rig.count("SELECT count(*) FROM outbox WHERE lease_token IS NOT NULL AND queue = '"
                    + rig.tenant + "/ehr'")).as("claims: the four slots").isEqualTo(4);
            answers.release();
            Awaits.until("the fifth write sent, a slot after the first answer", () -> sending.get() == 5,
                    Duration.ofSeconds(30));
            answers.release(4);
            Awaits.until("all five delivered", () -> ops.stream().allMatch(
                    op -> "CREATED_UNVERIFIED".equals(rig.state(op))), Duration.ofSeconds(30));
        } finally {
            answers.release(10);
            engine.close();
        }
        assertThat(ehr.created.get()).isEqualTo(5);
        assertThat(rig.count("SELECT count(*) FROM outbox WHERE queue = '" + rig.tenant + "/ehr'")).isZero();
    }

    /** The poller's statements in order: the due probe and the claim. */
    private static List<String> pollerStatements(StatementCounter statements) {
        return statements.statements().stream()
                .filter(s -> s.equals(OperationStore.DUE_QUEUES_SQL) || s.startsWith("WITH claimed AS"))
                .map(s -> s.equals(OperationStore.DUE_QUEUES_SQL) ? "probe" : "claim").toList();
    }
}
