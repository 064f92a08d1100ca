package dev.chartbridge.app;

import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection check cut short by the node's stop found nothing about the EHR: the connection keeps the state its
 * last finished check found (the ratelimit benchmark's stop reported an eClinicalWorks connection down because a
 * check waiting for the call budget was interrupted, issue #17's review).
 */
class ConnectionHealthTest {

    @Test
    void a_check_interrupted_by_the_nodes_stop_leaves_the_connection_as_its_last_check_found_it() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        AtomicInteger checks = new AtomicInteger();
        EhrAdapter adapter = new CheckOnlyAdapter(() -> {
            if (checks.incrementAndGet() == 1) {
                return ConnectionCheck.up("/metadata: FHIR 4.0.1 CapabilityStatement");
            }
            waiting.countDown();
            try {
                Thread.sleep(60_000); // a call budget's wait
                return ConnectionCheck.up("not reached");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ConnectionCheck.cutShort("/metadata");
            } finally {
                returned.countDown();
            }
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectionHealth health = new ConnectionHealth(new Targets(List.of(new Target("t1", "ehr", adapter, 1))),
                registry, Duration.ofMillis(100), Clock.systemUTC());
        health.start();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the second check is waiting").isTrue();
        assertThat(up(registry)).as("the first check found the connection up").isEqualTo(1.0);

        health.close(); // the node's stop interrupts the waiting check
        assertThat(returned.await(10, TimeUnit.SECONDS)).as("the interrupted check returned").isTrue();
        Thread.sleep(200); // the check's thread would record its result right after returning
        assertThat(up(registry)).as("not recorded as down").isEqualTo(1.0);
    }

    private static double up(SimpleMeterRegistry registry) {
        return registry.get("chartbridge.connection.up").tag("connection", "ehr").gauge().value();
    }

    /** An adapter whose only part is its connection check; anything else is not this test's. */
    private record CheckOnlyAdapter(java.util.function.Supplier<ConnectionCheck> checks) implements EhrAdapter {
        @Override
        public String vendor() {
            return "test";
        }

        @Override
        public ConnectionCheck check() {
            return checks.get();
        }

        @Override
        public WritePlan plan(ClinicalEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SendOutcome send(WriteContext write) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RenderOutcome render(WriteContext write) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FindOutcome find(WriteContext write) {
            throw new UnsupportedOperationException();
        }

        @Override
        public VerifyOutcome verify(WriteContext write) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReadBack readBack(WriteContext write) {
            throw new UnsupportedOperationException();
        }
    }
}
