package dev.chartbridge.core.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.intake.Intake;
import dev.chartbridge.core.intake.IntakeResult;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.testing.StatementCounter;
import dev.chartbridge.core.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The delivery engine's parts on the real (embedded) database, driven by hand and by a {@link TestClock}: events
 * are accepted by the real intake, and {@link #runDue()} does what one poll of the engine does (claim what is due,
 * run each claim) on the calling thread, with "due" read on the test clock. One tenant per rig, so rigs of one
 * test class do not see each other's work.
 */
final class Rig {
    static final DeliveryPolicy POLICY = DeliveryPolicy.defaults();

    final TestClock clock = new TestClock();
    final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, TestAdapter> ehrs;
    final Targets targets;
    final Jdbc jdbc;
    /** Counts what the engine's store sends to the database (claims, loads, transitions); intake is not counted. */
    final StatementCounter statements = new StatementCounter();
    final OperationStore store;
    final OperationRunner runner;
    final StoredEvents events;
    private final PostgresExtension pg;
    private final Intake intake;
    private final DeliveryPolicy policy;
    private int keys;

    /** A rig with one target per name, each with its own {@link TestAdapter}. */
    Rig(PostgresExtension pg, DeliveryPolicy policy, String compensation, String... names) {
        this.pg = pg;
        this.policy = policy;
        this.jdbc = pg.jdbc();
        pg.execute("INSERT INTO tenant (id, name) VALUES ('" + tenant + "', 'Test clinic')");
        Map<String, TestAdapter> adapters = new java.util.LinkedHashMap<>();
        List<Target> list = new ArrayList<>();
        for (String name : names) {
            TestAdapter a = new TestAdapter();
            adapters.put(name, a);
            list.add(new Target(tenant, name, a, 4));
        }
        this.ehrs = Map.copyOf(adapters);
        this.targets = new Targets(list);
        this.events = new StoredEvents(clock);
        // One settings cache for intake and engine, as a node has (its copies are read on intake's uncounted jdbc).
        TenantSettingsCache settings = new TenantSettingsCache(jdbc);
        this.store = new OperationStore(new Jdbc(statements.wrap(pg.database().dataSource())), "node-a", targets,
                events, settings);
        this.runner = new OperationRunner(store, targets, policy, new DeliveryMetrics(new SimpleMeterRegistry()),
                events, clock);
        TenantPolicy tenantPolicy = compensation == null ? TenantPolicy.permissive()
                : new TenantPolicy(null, java.util.Set.of(), dev.chartbridge.core.formulary.Formulary.OPEN, Map.of(),
                Map.of("note", compensation));
        this.intake = new Intake(jdbc, targets, clock, new SimpleMeterRegistry(), t -> tenantPolicy, settings);
    }

    Rig(PostgresExtension pg, String... names) {
        this(pg, POLICY, null, names);
    }

    TestAdapter ehr(String name) {
        return ehrs.get(name);
    }

    /** Accepts a note for the named targets; returns the event's id. */
    UUID submit(String... targetNames) {
        return submitFor("1001", targetNames);
    }

    /** As {@link #submit}, for the patient of MRN {@code mrn}: another patient's writes are in another line. */
    UUID submitFor(String mrn, String... targetNames) {
        ObjectNode note = Examples.load("note");
        ((ObjectNode) note.get("patient").get("identifiers").get(0)).put("value", mrn);
        var list = note.putArray("targets");
        for (String t : targetNames) {
            list.add(t);
        }
        ((ObjectNode) note.get("payload")).put("title", "Visit " + (++keys) + " " + tenant);
        IntakeResult r = intake.submit(tenant, "test", "k" + keys, Examples.bytes(note));
        if (!(r instanceof IntakeResult.Accepted a)) {
            throw new AssertionError("not accepted: " + r);
        }
        return a.eventId();
    }

    UUID operation(UUID eventId, String target) {
        return UUID.fromString(pg.text("SELECT id FROM write_operation WHERE event_id = '" + eventId
                + "' AND target = '" + target + "' AND kind = 'create'"));
    }

    String state(UUID operationId) {
        return pg.text("SELECT state FROM write_operation WHERE id = '" + operationId + "'");
    }

    /** The first column of the first row of a query, as text. */
    String pg(String sql) {
        return pg.text(sql);
    }

    long count(String sql) {
        return pg.count(sql);
    }

    /**
     * One poll of the engine on the test clock: every operation of this tenant due by {@link TestClock#instant()}
     * is claimed and run to the end of its claim. Returns how many claims ran.
     */
    int runDue() {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET due_at = now() - interval '1 ms'"
                    + " WHERE queue LIKE ? AND due_at <= ? AND lease_token IS NULL")) {
                ps.setString(1, tenant + "/%");
                ps.setTimestamp(2, Timestamp.from(clock.instant()));
                return ps.executeUpdate();
            }
        });
        int ran = 0;
        for (Target t : targets.all()) {
            List<Claimed> batch = store.claim(t.queue(), 32, policy.lease());
            StoredEvents.Batch events = this.events.batch();
            for (Claimed claimed : batch) {
                runner.run(claimed, events);
                ran++;
            }
        }
        return ran;
    }

    /** When the operation is next due, on the test clock's time line; null when it left the queue. */
    Instant dueAt(UUID operationId) {
        String due = pg.text("SELECT to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                + " FROM outbox WHERE operation_id = '" + operationId + "'");
        return due == null ? null : Instant.parse(due);
    }

    /** Moves the clock to when the operation is next due, and runs what is due then. */
    int runWhenDue(UUID operationId) {
        Instant due = dueAt(operationId);
        if (due != null && due.isAfter(clock.instant())) {
            clock.set(due);
        }
        return runDue();
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    /** The audit detail's JSON of the newest entry with this action for the operation; null when none. */
    String audit(UUID operationId, String action) {
        return pg.text("SELECT max(detail) FROM audit_entry WHERE operation_id = '" + operationId
                + "' AND action = '" + action + "'");
    }
}
