package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.store.Jdbc;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The workers of one gateway node. A poller claims due operations per target queue (never more than the
 * target's free concurrency on this node) with {@code FOR UPDATE SKIP LOCKED} and a lease, and hands each to a
 * worker thread. Any number of nodes may share one database; an operation whose lease expires (its node died)
 * becomes due again and is taken over, its in-flight send treated as an unknown outcome.
 *
 * <p>Thread-safe. {@link #close()} stops claiming, gives claims back between steps and lets calls under way finish
 * for up to the grace period; a call still under way after it stays on the lease path.
 */
public final class DeliveryEngine implements AutoCloseable {
    /**
     * The claim statement the engine runs for a claim of {@code limit} rows, for a benchmark that times exactly it:
     * parameters lease length (ms), node, queue; it leases the rows and returns them with their events (rolled back,
     * it changes nothing).
     */
    public static String claimSql(int limit) {
        return OperationStore.claimSql(limit);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final OperationStore store;
    private final OperationRunner runner;
    private final StoredEvents events;
    private final DeliveryPolicy policy;
    private final Map<String, Semaphore> permits;
    /** Per queue, the free room at which a backlogged queue wakes a parked poller ({@link #roomFreed}). */
    private final Map<String, Integer> wakeAt;
    private final Set<Claim> held = ConcurrentHashMap.newKeySet();
    /** Queues whose last claim filled the room it was given ({@link #pollOnce}). */
    private final Set<String> backlogged = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final Thread poller;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Duration grace;

    /**
     * @param grace how long {@link #close()} waits for EHR calls under way: at least the longest call timeout of
     *              the connections, so a stop never cuts a send short
     */
    public DeliveryEngine(Jdbc jdbc, Targets targets, DeliveryPolicy policy, MeterRegistry registry, String node,
                          Duration grace) {
        this(jdbc, targets, policy, registry, node, grace, new TenantSettingsCache(jdbc));
    }

    /**
     * @param settings the node's tenant settings copies (intake's, kept current by its listener): a transition
     *                 whose tenant has no webhook taking its notice, by a copy the transition proves current, sends
     *                 no webhooks query
     */
    public DeliveryEngine(Jdbc jdbc, Targets targets, DeliveryPolicy policy, MeterRegistry registry, String node,
                          Duration grace, TenantSettingsCache settings) {
        this(jdbc, targets, policy, registry, node, grace, Clock.systemUTC(), settings);
    }

    DeliveryEngine(Jdbc jdbc, Targets targets, DeliveryPolicy policy, MeterRegistry registry, String node,
                   Duration grace, Clock clock) {
        this(jdbc, targets, policy, registry, node, grace, clock, new TenantSettingsCache(jdbc));
    }

    private DeliveryEngine(Jdbc jdbc, Targets targets, DeliveryPolicy policy, MeterRegistry registry, String node,
                           Duration grace, Clock clock, TenantSettingsCache settings) {
        this.events = new StoredEvents(clock);
        this.store = new OperationStore(jdbc, node, targets, events, settings);
        this.policy = policy;
        this.grace = grace;
        this.runner = new OperationRunner(store, targets, policy, new DeliveryMetrics(registry, targets), events,
                clock);
        this.permits = targets.all().stream()
                .collect(Collectors.toUnmodifiableMap(Target::queue, t -> new Semaphore(t.maxConcurrency())));
        // An eighth of the queue's concurrency (at least one, at most a batch): a claim per few freed slots rather
        // than one per slot, and a freed slot idle for a few sends' time rather than up to a poll interval.
        this.wakeAt = targets.all().stream().collect(Collectors.toUnmodifiableMap(Target::queue,
                t -> Math.max(1, Math.min(policy.batchSize(), t.maxConcurrency() / 8))));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.poller = new Thread(this::pollLoop, "delivery-poller");
        this.poller.setDaemon(true);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "delivery-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        if (running.compareAndSet(false, true)) {
            poller.start();
            long every = Math.max(50, policy.lease().toMillis() / 3);
            heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void pollLoop() {
        while (running.get()) {
            try {
                if (pollOnce() == 0) {
                    // Until the next poll, or until a backlogged queue has room again (roomFreed): a node whose
                    // slots were all taken claims again as soon as enough of them are free, not a poll later.
                    LockSupport.parkNanos(this, policy.pollInterval().toNanos());
                }
            } catch (RuntimeException e) {
                LOG.error("claiming due writes failed ({}); retrying", e.getClass().getSimpleName());
                sleepQuietly(policy.pollInterval().multipliedBy(10));
            }
        }
    }

    /**
     * A live node never loses a claim it is working on, however slow the EHR or its token endpoint: leases are
     * renewed every third of their length. Only a node that stops renewing (dead, or cut off from the database)
     * lets its claims become due for another node, which then reconciles before resending.
     */
    private void renewLeases() {
        try {
            store.extend(Set.copyOf(held), policy.lease());
        } catch (RuntimeException e) {
            LOG.error("renewing {} leases failed ({})", held.size(), e.getClass().getSimpleName());
        }
    }

    /**
     * Claims and dispatches what is due now; returns how many operations it claimed. One statement asks which
     * queues with free room have due work; only those are claimed from, so an idle node costs one statement per
     * poll however many queues it serves. A queue whose last claim filled all the room it was given is claimed from
     * without asking first: it most likely has more, and a claim that finds nothing answers the same question (it
     * then asks again from the next poll on).
     */
    int pollOnce() {
        List<String> withRoom = permits.entrySet().stream().filter(e -> e.getValue().availablePermits() > 0)
                .map(Map.Entry::getKey).toList();
        List<String> due = new ArrayList<>(withRoom.stream().filter(backlogged::contains).toList());
        due.addAll(store.dueQueues(withRoom.stream().filter(q -> !backlogged.contains(q)).toList()));
        int claimed = 0;
        for (String queue : due) {
            Semaphore free = permits.get(queue);
            int room = Math.min(free.availablePermits(), policy.batchSize());
            if (room == 0 || !running.get()) {
                continue;
            }
            List<Claimed> claims = store.claim(queue, room, policy.lease());
            claimed += claims.size();
            if (claims.size() == room) {
                backlogged.add(queue);
            } else {
                backlogged.remove(queue);
            }
            // The batch's events are parsed once each, by whichever of its workers needs one first.
            StoredEvents.Batch batch = events.batch();
            for (Claimed c : claims) {
                Claim claim = c.claim();
                free.acquireUninterruptibly();
                held.add(claim);
                workers.execute(() -> {
                    try {
                        runner.run(c, batch);
                    } catch (RuntimeException e) {
                        LOG.error("operation {} failed in the engine ({}); its lease will expire and it will be"
                                + " reconciled", claim.operationId(), e.getClass().getSimpleName());
                    } finally {
                        held.remove(claim);
                        free.release();
                        roomFreed(queue, free);
                    }
                });
            }
        }
        return claimed;
    }

    /**
     * Stops claiming, and gives back each claim before its next step; a step under way (a send, a search, a read)
     * is waited for up to the grace period, which the caller sets to at least the longest call timeout of its
     * connections, with leases renewed meanwhile. A claim whose step is still under way after that is not given
     * back: its lease runs out (renewals stop here), and the node that takes it over treats the send as unknown
     * and reconciles it after the reconcile delay. Nothing given back is due before the reconcile delay.
     */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            workers.shutdownNow();
            heartbeat.shutdownNow();
            return;
        }
        runner.stop();
        poller.interrupt();
        try {
            poller.join(grace.toMillis());
            workers.shutdown();
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                // Not interrupted: an interrupted send may still land. Its lease is left to run out instead.
                LOG.warn("{} EHR calls still under way after {}; their leases will run out and their writes be"
                        + " reconciled by the next node", held.size(), grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.shutdownNow();
    }

    /**
     * A worker gave a slot of {@code queue} back: wakes the poller when the queue's last claim filled its room (it
     * most likely has more due) and the room is now {@link #wakeAt} or more. Before issue #17's last session the
     * poller slept its full interval whenever every slot was taken, so a slot freed meanwhile stayed idle for up to
     * that interval: with a 100 ms EHR, a node kept its 64 slots 57% busy.
     */
    private void roomFreed(String queue, Semaphore free) {
        if (backlogged.contains(queue) && free.availablePermits() >= wakeAt.get(queue)) {
            LockSupport.unpark(poller);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
