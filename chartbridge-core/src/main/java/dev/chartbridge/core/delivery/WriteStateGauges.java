package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.common.DaemonThreads;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.store.Jdbc;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Gauges of what the queue holds, per connection: {@code chartbridge_writes{tenant,connection,vendor,state}} for
 * every state a write can sit in (waiting, in review, dead, rejected ...; the states writes end in normally,
 * {@link #SETTLED}, are not counted: they grow forever) and {@code chartbridge_outbox_lag_seconds}, the age of the
 * oldest write that is due and not taken by a worker, measured from when it became due: a write in
 * {@code RETRY_WAIT} whose wait is over counts, one still waiting does not, one in flight does not.
 *
 * <p>Sampled on a schedule by two grouped queries (a partial index, V50, holds only the unsettled writes; the
 * outbox is indexed by queue and due time), never per scrape: a scrape reads the last sample, so many scrapers
 * cost the database nothing; each query's samples are spaced at least {@value #COST_FACTOR} times as long as its
 * last one took, so a large backlog makes the count rarer, not costlier, and leaves the lag as fresh as before. All nodes sample the same shared database; alert on {@code max} across nodes.
 * Thread-safe.
 */
public final class WriteStateGauges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStateGauges.class);
    /** States writes end in normally; the partial index of V50 leaves them out. */
    public static final List<OperationState> SETTLED = List.of(OperationState.VERIFIED,
            OperationState.CREATED_UNVERIFIED, OperationState.SHADOWED, OperationState.DISCARDED);
    private static final String UNSETTLED_SQL = "SELECT tenant_id, target, state, count(*) FROM write_operation"
            + " WHERE state NOT IN ('VERIFIED', 'CREATED_UNVERIFIED', 'SHADOWED', 'DISCARDED')"
            + " GROUP BY tenant_id, target, state";
    private static final String LAG_SQL = "SELECT queue, extract(epoch FROM now() - min(due_at)) FROM outbox"
            + " WHERE due_at <= now() AND (leased_until IS NULL OR leased_until <= now()) GROUP BY queue";

    /** A gauge's sampling waits at least this many times as long as its last sample took. */
    static final int COST_FACTOR = 100;

    private final Jdbc jdbc;
    private final Duration every;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("write-state-gauges"));
    private volatile Map<String, Long> counts = Map.of();
    private volatile Map<String, Double> lags = Map.of();

    public WriteStateGauges(Jdbc jdbc, Targets targets, MeterRegistry registry, Duration every) {
        this.jdbc = jdbc;
        this.every = every;
        List<OperationState> counted = Arrays.stream(OperationState.values()).filter(s -> !SETTLED.contains(s))
                .collect(Collectors.toList());
        for (Target t : targets.all()) {
            for (OperationState state : counted) {
                String key = t.queue() + "|" + state.name();
                Gauge.builder("chartbridge.writes", this, g -> g.counts.getOrDefault(key, 0L))
                        .description("Writes now in each unsettled state (sampled)")
                        .tag("tenant", t.tenantId()).tag("connection", t.name()).tag("vendor", t.adapter().vendor())
                        .tag("state", state.name()).register(registry);
            }
            Gauge.builder("chartbridge.outbox.lag", this, g -> g.lags.getOrDefault(t.queue(), 0.0))
                    .description("Seconds since the oldest due write not taken by a worker became due (sampled)")
                    .baseUnit("seconds").tag("tenant", t.tenantId()).tag("connection", t.name())
                    .tag("vendor", t.adapter().vendor()).register(registry);
        }
    }

    /** Samples both now, then each again after {@link #nextDelay} of its own last sample. */
    public void start() {
        schedule.execute(() -> sampleQuietly("write states", this::sampleCounts));
        schedule.execute(() -> sampleQuietly("the outbox lag", this::sampleLags));
    }

    private void sampleQuietly(String what, Runnable sampler) {
        long started = System.nanoTime();
        try {
            sampler.run();
        } catch (RuntimeException e) {
            // The last sample stays; a database outage shows in readiness, not as gauges dropping to zero.
            LOG.warn("sampling {} failed ({}); keeping the last sample", what, e.getClass().getSimpleName());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        try {
            schedule.schedule(() -> sampleQuietly(what, sampler), nextDelay(every, took).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed while sampling
        }
    }

    /**
     * The wait before a gauge's next sample: {@code every}, or {@value #COST_FACTOR} times as long as its last
     * sample took if that is longer, so that each costs at most about 1/{@value #COST_FACTOR} of one database core
     * however many writes wait. The count over a backlog of 1,000,000 unsettled writes took 0.35 s a sample in the
     * cost benchmark of 2026-12-07: spaced 20 times that, it was 0.30 ms of PostgreSQL's 1.99 ms of CPU per
     * delivered write, the largest statement per write (issue #17). The outbox lag, an index probe, is paced by its
     * own cost and stays at {@code every}.
     */
    static Duration nextDelay(Duration every, Duration lastSampleTook) {
        Duration paced = lastSampleTook.multipliedBy(COST_FACTOR);
        return paced.compareTo(every) > 0 ? paced : every;
    }

    /** Reads both groupings once and publishes them. */
    void sample() {
        sampleCounts();
        sampleLags();
    }

    private void sampleCounts() {
        counts = Map.copyOf(grouped(UNSETTLED_SQL, rs -> rs.getString(1) + "/" + rs.getString(2) + "|"
                + rs.getString(3), rs -> rs.getLong(4)));
    }

    private void sampleLags() {
        lags = Map.copyOf(grouped(LAG_SQL, rs -> rs.getString(1), rs -> rs.getDouble(2)));
    }

    private interface Column<T> {
        T read(ResultSet rs) throws java.sql.SQLException;
    }

    private <V> Map<String, V> grouped(String sql, Column<String> key, Column<V> value) {
        Map<String, V> m = new HashMap<>();
        jdbc.read(conn -> {
            try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(key.read(rs), value.read(rs));
                }
            }
            return null;
        });
        return m;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
