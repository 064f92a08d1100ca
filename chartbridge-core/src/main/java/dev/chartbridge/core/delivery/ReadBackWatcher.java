package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.common.DaemonThreads;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.store.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Re-reads written records on a schedule to notice what happened to them in the EHR afterwards: an amendment (new
 * version or content), a status change (e.g. entered in error), a deletion. Each is recorded, audited and
 * reported to the tenant's webhooks ({@link ReadBackStore}); an unchanged record reports nothing. Safe on any
 * number of nodes: rows are claimed with {@code FOR UPDATE SKIP LOCKED}. Each target's re-reads are paced by a
 * per-node budget of reads per minute, and one target is read by at most one thread of a node at a time, so a
 * slow EHR delays only its own re-reads.
 *
 * <p>Thread-safe. {@link #close()} stops claiming; a record claimed but not read is read one interval later.
 */
public final class ReadBackWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadBackWatcher.class);
    private static final int MAX_BATCH = 16;

    private final ReadBackStore store;
    private final OperationStore operations;
    private final Targets targets;
    private final Map<String, Target> byQueue;
    private final ReadBackPolicy policy;
    private final StoredEvents events;
    private final Map<String, ReadBudget> budgets = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> busy = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;
    private final ExecutorService readers;

    public ReadBackWatcher(Jdbc jdbc, Targets targets, ReadBackPolicy policy, String node) {
        this.store = new ReadBackStore(jdbc, node);
        this.events = new StoredEvents(Clock.systemUTC());
        this.operations = new OperationStore(jdbc, node, targets, events, null);
        this.targets = targets;
        this.byQueue = targets.all().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Target::queue,
                t -> t));
        this.policy = policy;
        this.poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("readback-poller"));
        this.readers = Executors.newFixedThreadPool(2, DaemonThreads.named("readback-reader"));
    }

    public void start() {
        long every = policy.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollOnce, every, every, TimeUnit.MILLISECONDS);
    }

    private void pollOnce() {
        List<String> due;
        try {
            due = store.dueQueues(targets.all().stream().map(Target::queue).toList(), policy.interval());
        } catch (RuntimeException e) {
            LOG.error("looking for due read-backs failed ({}); will retry", e.getClass().getSimpleName());
            return;
        }
        for (String queue : due) {
            Target target = byQueue.get(queue);
            AtomicBoolean reading = busy.computeIfAbsent(target.queue(), q -> new AtomicBoolean());
            if (!reading.compareAndSet(false, true)) {
                continue;
            }
            try {
                readers.execute(() -> {
                    try {
                        readDue(target);
                    } catch (RuntimeException e) {
                        LOG.error("read-back of {} failed ({}); will retry", target.queue(),
                                e.getClass().getSimpleName());
                    } finally {
                        reading.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reading.set(false);
            }
        }
    }

    private void readDue(Target target) {
        ReadBudget budget = budgets.computeIfAbsent(target.queue(),
                q -> new ReadBudget(policy.readsPerMinute(q)));
        int room = budget.take(MAX_BATCH);
        if (room == 0) {
            return;
        }
        List<ReadBackStore.Due> due = store.claim(target.queue(), room, policy.interval());
        budget.giveBack(room - due.size());
        for (ReadBackStore.Due d : due) {
            String change = store.record(d, read(target, d));
            if (change != null) {
                LOG.info("operation {} changed in the EHR: {}", d.operationId(), change);
            }
        }
    }

    private ReadBack read(Target target, ReadBackStore.Due due) {
        OperationRow op = operations.load(due.operationId());
        ParseResult parsed = op == null ? null : events.parse(op.eventBody());
        if (op == null || op.remote() == null || !parsed.isValid()) {
            return new ReadBack.Undetermined(VendorError.of(ErrorClass.UNKNOWN, "nothing to read back"),
                    Exchange.none());
        }
        WriteContext write = new WriteContext(op.id(), op.operationKey(), op.tenantId(), op.target(),
                parsed.event(), op.part(), op.resourceType(), op.remote());
        try {
            return target.adapter().readBack(write);
        } catch (RuntimeException e) {
            // The message may quote the record: the type only, never the text (no PHI in logs).
            LOG.error("adapter threw {} on read-back of operation {}", e.getClass().getName(), op.id());
            return new ReadBack.Undetermined(VendorError.of(ErrorClass.UNKNOWN,
                    "adapter failed: " + e.getClass().getSimpleName()), Exchange.none());
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        readers.shutdown();
        try {
            if (!readers.awaitTermination(5, TimeUnit.SECONDS)) {
                readers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
