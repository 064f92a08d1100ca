package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.store.StoreException;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.testing.StatementCounter;
import dev.chartbridge.core.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit (issue #17): events submitted while intake's one committer is busy are stored together, in one
 * transaction, each with every row it promises; a group that cannot be stored together is rolled back whole and each
 * event is stored alone, with the answer it would have had without groups. The committer is held busy by a real lock
 * on the events table, so the groups formed are known.
 */
class GroupCommitTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final StatementCounter counter = new StatementCounter();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Thread> submitters = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Intake intake;

    @BeforeEach
    void start() {
        pg.execute("INSERT INTO tenant (id, name) VALUES ('" + tenant + "', 'Test clinic')");
        Targets targets = new Targets(List.of(new Target(tenant, "ehr", new PlanOnlyAdapter(), 4)));
        Jdbc jdbc = new Jdbc(counter.wrap(pg.database().dataSource()));
        intake = new Intake(jdbc, targets, new TestClock(), registry, t -> TenantPolicy.permissive(),
                new TenantSettingsCache(jdbc), 1);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static byte[] note(String mrn, String title) {
        ObjectNode note = Examples.load("note");
        ((ObjectNode) note.at("/patient/identifiers/0")).put("value", mrn);
        ((ObjectNode) note.get("payload")).put("title", title);
        return Examples.bytes(note);
    }

    private Future<IntakeResult> submit(String key, byte[] body) {
        return pool.submit(() -> {
            submitters.add(Thread.currentThread());
            return intake.submit(tenant, "test", key, body);
        });
    }

    /**
     * Submits {@code first} while inserts of events wait for a lock this test holds, so that it holds the one
     * committer; then the {@code rest}, which wait for the committer and are stored as one group once the lock is
     * let go. Returns the answers in the order given.
     */
    private List<IntakeResult> withCommitterBusy(byte[] first, List<byte[]> rest, List<String> keys) throws Exception {
        List<Future<IntakeResult>> answers = new ArrayList<>();
        try (Connection c = pg.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE clinical_event IN SHARE MODE");
            answers.add(submit("first-" + UUID.randomUUID(), first));
            awaitWaiting(1, "SELECT count(*) FROM pg_locks WHERE relation = 'clinical_event'::regclass"
                    + " AND NOT granted");
            counter.reset();
            for (int i = 0; i < rest.size(); i++) {
                answers.add(submit(keys.get(i), rest.get(i)));
                // One at a time, each parked in group commit waiting for the committer: the group's order is known.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (submitters.size() < i + 2
                        || submitters.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < i + 1) {
                    assertThat(System.nanoTime()).as("submitters waiting for the committer").isLessThan(deadline);
                    Thread.sleep(2);
                }
            }
            c.commit();
        }
        List<IntakeResult> results = new ArrayList<>();
        for (Future<IntakeResult> f : answers) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results.subList(1, results.size());
    }

    private static void awaitWaiting(long n, String sql) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (pg.count(sql) < n) {
            assertThat(System.nanoTime()).as(sql).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static UUID accepted(IntakeResult r) {
        assertThat(r).isInstanceOf(IntakeResult.Accepted.class);
        return ((IntakeResult.Accepted) r).eventId();
    }

    @Test
    void events_arriving_while_the_committer_is_busy_are_stored_in_one_transaction_each_with_all_its_rows()
            throws Exception {
        List<IntakeResult> answers = withCommitterBusy(note("100", "first"),
                List.of(note("201", "a"), note("202", "b"), note("201", "c"), note("203", "d")),
                List.of("k1", "k2", "k3", "k4"));

        // The first's transaction, then one for the four, with one insert of all four events (the first's insert was
        // sent before the count began).
        assertThat(counter.statements()).filteredOn(s -> s.equals("COMMIT")).hasSize(2);
        assertThat(counter.statements()).filteredOn(s -> s.contains("INSERT INTO clinical_event")).hasSize(1);
        assertThat(registry.get("chartbridge.intake.group.size").summary().count()).isEqualTo(2);
        assertThat(registry.get("chartbridge.intake.group.size").summary().max()).isEqualTo(4);
        for (IntakeResult r : answers) {
            UUID event = accepted(r);
            assertThat(((IntakeResult.Accepted) r).replay()).isFalse();
            assertThat(pg.count("SELECT count(*) FROM write_operation WHERE event_id = '" + event + "'"
                    + " AND state = 'DUE'")).isEqualTo(1);
            assertThat(pg.count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                    + " WHERE w.event_id = '" + event + "'")).isEqualTo(1);
            assertThat(pg.count("SELECT count(*) FROM audit_entry a JOIN audit_pending p ON p.entry_id = a.id"
                    + " WHERE a.event_id = '" + event + "' AND a.action = 'event.accepted'")).isEqualTo(1);
        }
        // Patient 201's second event of the group waits behind its first, and says so.
        UUID firstOf201 = accepted(answers.get(0));
        UUID secondOf201 = accepted(answers.get(2));
        assertThat(pg.count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + secondOf201 + "' AND o.due_at = 'infinity'")).isEqualTo(1);
        assertThat(pg.text("SELECT a.detail::jsonb ->> 'behind' FROM audit_entry a WHERE a.event_id = '"
                + secondOf201 + "' AND a.action = 'operation.held'")).isEqualTo(
                pg.text("SELECT id::text FROM write_operation WHERE event_id = '" + firstOf201 + "'"));
        assertThat(pg.count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + firstOf201 + "' AND o.due_at <= now()")).isEqualTo(1);
    }

    @Test
    void one_key_twice_in_a_group_is_one_event_and_a_replay() throws Exception {
        byte[] body = note("300", "twice");
        List<IntakeResult> answers = withCommitterBusy(note("100", "first"), List.of(body, body),
                List.of("same", "same"));

        UUID event = accepted(answers.get(0));
        assertThat(accepted(answers.get(1))).isEqualTo(event);
        assertThat(((IntakeResult.Accepted) answers.get(1)).replay()).isTrue();
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE tenant_id = '" + tenant
                + "' AND idempotency_key = 'same'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE event_id = '" + event
                + "' AND action = 'event.accepted'")).isEqualTo(1);
    }

    @Test
    void an_event_a_gate_refuses_is_answered_in_its_group_and_the_others_are_stored() throws Exception {
        // Live for patient 601 and 603 only; every other patient's notes are refused (decided with the cached copy).
        pg.execute("INSERT INTO release_control (tenant_id, target, event_type, mode, allow_patients, otherwise,"
                + " updated_by) VALUES ('" + tenant + "', 'ehr', 'note', 'live', ARRAY['urn:chartbridge:sim:mrn|100',"
                + " 'urn:chartbridge:sim:mrn|601', 'urn:chartbridge:sim:mrn|603'], 'off', 'test')");
        List<IntakeResult> answers = withCommitterBusy(note("100", "first"),
                List.of(note("601", "a"), note("602", "b"), note("603", "c")), List.of("k1", "k2", "k3"));

        accepted(answers.get(0));
        accepted(answers.get(2));
        assertThat(answers.get(1)).isInstanceOfSatisfying(IntakeResult.Refused.class, r -> assertThat(r.errors())
                .extracting(e -> e.pointer()).containsExactly("/targets/0"));
        // The first's commit, one transaction for the three and the refusal's audit entry: the group was not handed
        // back and the refused event not decided again alone (a transaction more). Its refusal, made with the cached
        // copy, was given once the copy was found current.
        assertThat(counter.statements()).as("%s", counter.statements()).filteredOn(s -> s.equals("COMMIT"))
                .hasSize(3);
        assertThat(counter.statements()).filteredOn(s -> s.contains("INSERT INTO clinical_event")).hasSize(1);
        assertThat(counter.statements()).filteredOn(s -> s.startsWith("SELECT coalesce((SELECT version FROM"))
                .hasSize(1);
        assertThat(registry.find("chartbridge.intake.group.abandoned").counter()).isNull();
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE tenant_id = '" + tenant + "'")).isEqualTo(3);
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE tenant_id = '" + tenant
                + "' AND idempotency_key = 'k2'")).isZero();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE tenant_id = '" + tenant
                + "' AND action = 'event.refused'")).isEqualTo(1);
    }

    @Test
    void content_held_inside_a_group_rolls_the_group_back_and_each_event_is_stored_alone() throws Exception {
        byte[] same = note("400", "same content");
        List<IntakeResult> answers = withCommitterBusy(note("100", "first"),
                List.of(note("401", "other"), same, same), List.of("k1", "k2", "k3"));

        assertThat(registry.get("chartbridge.intake.group.abandoned").tag("reason", "content-held").counter()
                .count()).isEqualTo(1);
        accepted(answers.get(0));
        // Alone, one of the two gets in first; the other is told which event holds the content.
        List<IntakeResult> twins = List.of(answers.get(1), answers.get(2));
        assertThat(twins).filteredOn(r -> r instanceof IntakeResult.Accepted).hasSize(1);
        UUID holder = twins.stream().filter(r -> r instanceof IntakeResult.Accepted).map(GroupCommitTest::accepted)
                .findFirst().orElseThrow();
        assertThat(twins).filteredOn(r -> r instanceof IntakeResult.DuplicateContent d && d.existingEventId().equals(holder))
                .hasSize(1);
        // Nothing half-written by the rolled-back group: the first, the other and one twin.
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE tenant_id = '" + tenant + "'")).isEqualTo(3);
        assertThat(pg.count("SELECT count(*) FROM write_operation WHERE tenant_id = '" + tenant + "'")).isEqualTo(3);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE tenant_id = '" + tenant
                + "' AND action = 'event.accepted'")).isEqualTo(3);
    }

    @Test
    void a_group_whose_transaction_fails_is_stored_event_by_event() throws Exception {
        String waiting = "SELECT count(*) FROM pg_locks WHERE relation = 'clinical_event'::regclass AND NOT granted";
        Future<IntakeResult> answer;
        try (Connection c = pg.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE clinical_event IN SHARE MODE");
            answer = submit("failing-group", note("500", "cancelled"));
            awaitWaiting(1, waiting);
            // The group's insert is cancelled by the server: its transaction fails, as in a deadlock.
            pg.count("SELECT count(pg_cancel_backend(l.pid)) FROM pg_locks l"
                    + " WHERE l.relation = 'clinical_event'::regclass AND NOT l.granted");
            // Stored alone next, on its own request thread: it waits for the same lock.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (registry.find("chartbridge.intake.group.abandoned").tag("reason", "failed").counter() == null) {
                assertThat(System.nanoTime()).as("the group abandoned").isLessThan(deadline);
                Thread.sleep(5);
            }
            awaitWaiting(1, waiting);
            c.commit();
        }

        UUID event = accepted(answer.get(30, TimeUnit.SECONDS));
        assertThat(registry.get("chartbridge.intake.group.abandoned").tag("reason", "failed").counter().count())
                .isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE tenant_id = '" + tenant + "'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + event + "'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE event_id = '" + event
                + "' AND action = 'event.accepted'")).isEqualTo(1);
    }

    @Test
    void a_database_that_cannot_be_reached_fails_the_request_once_not_again_alone() {
        AtomicBoolean down = new AtomicBoolean();
        AtomicInteger triedWhileDown = new AtomicInteger();
        DataSource real = pg.database().dataSource();
        // The API pool's answer when no connection comes within its wait: a plain JDK proxy over the real pool.
        DataSource switchable = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && down.get()) {
                        triedWhileDown.incrementAndGet();
                        throw new SQLTransientConnectionException("connection is not available", "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Jdbc jdbc = new Jdbc(switchable);
        Intake outage = new Intake(jdbc, new Targets(List.of(new Target(tenant, "ehr", new PlanOnlyAdapter(), 4))),
                new TestClock(), registry, t -> TenantPolicy.permissive(), new TenantSettingsCache(jdbc), 1);
        accepted(outage.submit(tenant, "test", "before", note("600", "before"))); // the tenant's settings cached
        down.set(true);

        assertThatThrownBy(() -> outage.submit(tenant, "test", "during",
                        note("601", "during")))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(StoreException.unreachable(e)).isTrue());
        // One wait for a connection, the group's: not a second one alone.
        assertThat(triedWhileDown.get()).isEqualTo(1);
        assertThat(registry.get("chartbridge.intake.group.abandoned").tag("reason", "unreachable").counter()
                .count()).isEqualTo(1);
    }
}
