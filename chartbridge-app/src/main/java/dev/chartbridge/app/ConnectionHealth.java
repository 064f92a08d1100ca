package dev.chartbridge.app;

import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks every EHR connection ({@link dev.chartbridge.core.adapter.EhrAdapter#check}) at start and then
 * periodically, and reports each: gauge {@code chartbridge_connection_up{tenant,connection,vendor}} (1 up, 0 down, NaN unchecked or
 * not yet checked) and the per-connection part of {@code /health/ready}. A connection found down is logged as a
 * WARN (at start too: a wrong {@code baseUrl} shows there), its recovery as INFO; the detail names what failed,
 * never patient data. A connection down never makes the node unready: its writes are deferred by the adapter's
 * own handling of failed calls. Checks run on a small pool so that one hung EHR does not delay the others; a check
 * still running is not started again. Thread-safe.
 */
final class ConnectionHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHealth.class);

    /** One connection's latest check, with when it was made. */
    record Checked(ConnectionCheck check, Instant at) {
    }

    private final Targets targets;
    private final Duration every;
    private final Clock clock;
    private final Map<String, Checked> latest = new ConcurrentHashMap<>();
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService schedule;
    private final ExecutorService checks;

    ConnectionHealth(Targets targets, MeterRegistry registry, Duration every, Clock clock) {
        this.targets = targets;
        this.every = every;
        this.clock = clock;
        this.schedule = Executors.newSingleThreadScheduledExecutor(daemon("connection-checks"));
        this.checks = Executors.newFixedThreadPool(Math.max(1, Math.min(4, targets.all().size())),
                daemon("connection-check"));
        for (Target t : targets.all()) {
            Gauge.builder("chartbridge.connection.up", this, h -> h.gaugeValue(t.queue()))
                    .description("1 when the connection's last check found it up, 0 when down, NaN when unchecked")
                    .tag("tenant", t.tenantId()).tag("connection", t.name()).tag("vendor", t.adapter().vendor())
                    .register(registry);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Checks every connection now, then every {@code every}. */
    void start() {
        schedule.scheduleWithFixedDelay(this::checkAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkAll() {
        for (Target t : targets.all()) {
            if (running.putIfAbsent(t.queue(), Boolean.TRUE) == null) {
                checks.execute(() -> {
                    try {
                        ConnectionCheck check = checkOne(t);
                        // A check cut short by the node's stop (close() interrupts it) found nothing about the EHR:
                        // the connection keeps its last state, and nothing says it went down.
                        if (!Thread.currentThread().isInterrupted()) {
                            record(t, check);
                        }
                    } finally {
                        running.remove(t.queue());
                    }
                });
            }
        }
    }

    private static ConnectionCheck checkOne(Target t) {
        try {
            return t.adapter().check();
        } catch (RuntimeException e) {
            // A check must not throw; if one does, the connection is reported down rather than silently up.
            return ConnectionCheck.down("the check failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void record(Target t, ConnectionCheck check) {
        Checked before = latest.put(t.queue(), new Checked(check, clock.instant()));
        ConnectionCheck.Status was = before == null ? null : before.check().status();
        if (check.status() == ConnectionCheck.Status.DOWN && was != ConnectionCheck.Status.DOWN) {
            LOG.warn("connection {} ({}) is down: {}; its writes wait until it answers", t.queue(),
                    t.adapter().vendor(), check.detail());
        } else if (check.status() == ConnectionCheck.Status.UP && was == ConnectionCheck.Status.DOWN) {
            LOG.info("connection {} ({}) is up again: {}", t.queue(), t.adapter().vendor(), check.detail());
        }
    }

    private double gaugeValue(String queue) {
        Checked c = latest.get(queue);
        if (c == null || c.check().status() == ConnectionCheck.Status.UNCHECKED) {
            return Double.NaN;
        }
        return c.check().status() == ConnectionCheck.Status.UP ? 1 : 0;
    }

    /** Per connection ({@code tenant/name}): status (up, down, unchecked, pending), detail and when checked. */
    Map<String, Map<String, Object>> report() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Target t : targets.all()) {
            Checked c = latest.get(t.queue());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("vendor", t.adapter().vendor());
            if (c == null) {
                one.put("status", "pending");
            } else {
                one.put("status", c.check().status().name().toLowerCase(java.util.Locale.ROOT));
                one.put("detail", c.check().detail());
                one.put("checkedAt", c.at().toString());
            }
            out.put(t.queue(), one);
        }
        return out;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        checks.shutdownNow();
    }
}
