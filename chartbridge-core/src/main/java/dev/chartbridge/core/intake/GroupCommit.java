package dev.chartbridge.core.intake;

import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of intake (issue #17): submissions that arrive while the database is busy storing others are stored
 * together, in one transaction whose two statements write all of them ({@link IntakeStore#storeGroup}), so that a
 * busy node pays one round trip, one statement's fixed cost and one commit per group instead of per event.
 *
 * <p>No submission waits for a group to fill. At most {@code committers} group transactions run at once; a
 * submission that finds one free is stored at once (alone, when nothing else waits), and those that arrive meanwhile
 * wait for the next free committer, which takes up to {@code maxGroup} of them, oldest first. Under light load every
 * group is one event; under heavy load groups grow as long as the database is slower than the arrivals. Whichever
 * waiting thread finds a committer free stores the next group, its own submission in it or not (flat combining).
 *
 * <p>A group that cannot be stored together is rolled back whole and each of its submissions is handed back to be
 * stored alone, in its own thread and transaction, where it gets the answer it would have had without groups: a
 * stale copy of settings, content another event holds, a deadlock, or any other failure of the transaction (a
 * submission whose group did commit before the failure was seen is then found as a replay of itself, by its key). Only a database that cannot be reached ({@link StoreException#unreachable}) fails every submission of
 * the group at once, each with its own exception: alone, each would wait for a connection again.
 * Thread-safe.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private final Jdbc jdbc;
    private final int committers;
    private final int maxGroup;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int running;
    private final DistributionSummary sizes;
    private final MeterRegistry registry;

    /**
     * @param committers how many group transactions may run at once (at least 1)
     * @param maxGroup   the most submissions one group stores (at least 1)
     */
    GroupCommit(Jdbc jdbc, int committers, int maxGroup, MeterRegistry registry) {
        if (committers < 1 || maxGroup < 1) {
            throw new IllegalArgumentException("committers and maxGroup must be at least 1");
        }
        this.jdbc = jdbc;
        this.committers = committers;
        this.maxGroup = maxGroup;
        this.registry = registry;
        this.sizes = DistributionSummary.builder("chartbridge.intake.group.size")
                .description("Events stored per intake transaction (group commit)").register(registry);
    }

    /** A submission waiting for its group's answer. Its fields are guarded by the lock. */
    private static final class Waiting {
        final IntakeStore.Submission submission;
        boolean done;
        IntakeResult answer;
        /** The database could not be reached: the submission fails with it, not tried again alone. */
        StoreException unreachable;

        Waiting(IntakeStore.Submission submission) {
            this.submission = submission;
        }
    }

    /**
     * Stores a submission (not an amendment) in a group; returns its answer (a gate's refusal included), or null when
     * its group was handed back and the caller must store it alone ({@link IntakeStore#store}).
     */
    IntakeResult store(IntakeStore.Submission submission) {
        Waiting mine = new Waiting(submission);
        lock.lock();
        try {
            waiting.addLast(mine);
            while (!mine.done) {
                if (running < committers && !waiting.isEmpty()) {
                    List<Waiting> group = new ArrayList<>();
                    while (group.size() < maxGroup && !waiting.isEmpty()) {
                        group.add(waiting.pollFirst());
                    }
                    running++;
                    lock.unlock();
                    List<IntakeResult> answers = null;
                    StoreException unreachable = null;
                    try {
                        answers = commit(group);
                    } catch (StoreException e) {
                        unreachable = e;
                    } finally {
                        lock.lock();
                        running--;
                        for (int i = 0; i < group.size(); i++) {
                            group.get(i).answer = answers == null ? null : answers.get(i);
                            group.get(i).unreachable = unreachable;
                            group.get(i).done = true;
                        }
                        changed.signalAll();
                    }
                } else {
                    // Mine is in a group being stored, or every committer is busy: wait for one to finish.
                    changed.awaitUninterruptibly();
                }
            }
            if (mine.unreachable != null) {
                // Each request fails with its own exception (one instance is not thrown on several threads).
                throw new StoreException((SQLException) mine.unreachable.getCause());
            }
            return mine.answer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores the group in one transaction: its answers, or null when each must be stored alone.
     *
     * @throws StoreException when the database cannot be reached ({@link StoreException#unreachable}): stored alone,
     *                        each would wait for a connection a second time, and a request in an outage would take
     *                        twice the API's bound to say so
     */
    private List<IntakeResult> commit(List<Waiting> group) {
        sizes.record(group.size());
        try {
            return jdbc.inTransaction(c -> IntakeStore.storeGroup(c,
                    group.stream().map(w -> w.submission).toList()));
        } catch (IntakeStore.GroupAbandoned e) {
            abandoned(e.getMessage());
        } catch (StoreException e) {
            if (StoreException.unreachable(e)) {
                abandoned("unreachable");
                throw e;
            }
            failed(group, e);
        } catch (RuntimeException e) {
            failed(group, e);
        }
        return null;
    }

    /** A deadlock, or any other failure of the work: each submission is stored alone, which says what it must. */
    private void failed(List<Waiting> group, RuntimeException e) {
        // Only the kind of failure is logged: a database's message may quote a row's values.
        LOG.warn("an intake group of {} events was rolled back ({}{}); each is stored alone", group.size(),
                e.getClass().getSimpleName(), e instanceof StoreException s ? ", SQL state " + s.sqlState() : "");
        abandoned("failed");
    }

    private void abandoned(String reason) {
        Counter.builder("chartbridge.intake.group.abandoned").description("Intake groups rolled back and stored"
                + " event by event, by reason").tag("reason", reason).register(registry).increment();
    }
}
