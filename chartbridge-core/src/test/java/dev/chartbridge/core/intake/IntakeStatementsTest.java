package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.testing.StatementCounter;
import dev.chartbridge.core.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one accepted event costs the database, counted at the JDBC boundary (statements executed, each a round
 * trip, plus the commit), and that the rows it promises are all there: event, operation, queue row, audit entry
 * with its pending mark (issue #17).
 */
class IntakeStatementsTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    private StatementCounter counter;
    private Targets targets;
    private Intake intake;
    private int n;

    @BeforeEach
    void start() {
        pg.execute("INSERT INTO tenant (id, name) VALUES ('" + tenant + "', 'Test clinic')");
        counter = new StatementCounter();
        targets = new Targets(List.of(new Target(tenant, "ehr", new PlanOnlyAdapter(), 4)));
        intake = new Intake(new Jdbc(counter.wrap(pg.database().dataSource())), targets, new TestClock(), new SimpleMeterRegistry(),
                t -> TenantPolicy.permissive());
        submit("9000"); // the tenant's first event: whatever is read once per tenant is read here
    }

    private IntakeResult submit(String mrn) {
        ObjectNode note = Examples.load("note");
        ((ObjectNode) note.at("/patient/identifiers/0")).put("value", mrn);
        ((ObjectNode) note.get("payload")).put("title", "Visit " + (++n));
        counter.reset();
        return intake.submit(tenant, "test", "k" + n, Examples.bytes(note));
    }

    @Test
    void an_event_into_an_empty_patient_line_costs_few_statements() {
        IntakeResult r = submit("1001");
        // Before issue #17: 10 (key lookup, release controls, event, operation, webhooks, audit entry and its
        // trigger's insert, line lock, line look, queue row, commit). Now: event, operation, audit entry and its
        // mark with the line lock; queue row with the line look; commit.
        assertThat(counter.statements()).hasSize(3).last().isEqualTo("COMMIT");
        assertThat(r).isInstanceOf(IntakeResult.Accepted.class);
        UUID event = ((IntakeResult.Accepted) r).eventId();
        assertThat(pg.count("SELECT count(*) FROM write_operation WHERE event_id = '" + event + "'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + event + "' AND o.due_at <= now()")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM audit_entry a JOIN audit_pending p ON p.entry_id = a.id"
                + " WHERE a.event_id = '" + event + "' AND a.action = 'event.accepted'")).isEqualTo(1);
    }

    @Test
    void an_event_behind_an_earlier_write_of_its_patient_is_held_and_says_so() {
        submit("2002");
        IntakeResult r = submit("2002");
        // Before issue #17: 11. The held entry needs the id of the write ahead, known after the line look.
        assertThat(counter.statements()).hasSize(4).last().isEqualTo("COMMIT");
        UUID event = ((IntakeResult.Accepted) r).eventId();
        assertThat(pg.count("SELECT count(*) FROM outbox o JOIN write_operation w ON w.id = o.operation_id"
                + " WHERE w.event_id = '" + event + "' AND o.due_at = 'infinity'")).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM audit_entry a JOIN audit_pending p ON p.entry_id = a.id"
                + " WHERE a.event_id = '" + event + "' AND a.action = 'operation.held'")).isEqualTo(1);
    }

    @Test
    void a_replay_writes_nothing() {
        ObjectNode note = Examples.load("note");
        ((ObjectNode) note.get("payload")).put("title", "Replayed");
        byte[] body = Examples.bytes(note);
        IntakeResult first = intake.submit(tenant, "test", "replayed", body);
        long entries = pg.count("SELECT count(*) FROM audit_entry");
        counter.reset();
        IntakeResult again = intake.submit(tenant, "test", "replayed", body);
        // The acceptance's insert finds the key taken (it writes nothing), then the original answer is read:
        // 4 statements where a lookup before cost 2, so that an acceptance costs no lookup.
        assertThat(counter.statements()).hasSize(4);
        assertThat(((IntakeResult.Accepted) again).replay()).isTrue();
        assertThat(((IntakeResult.Accepted) again).eventId()).isEqualTo(((IntakeResult.Accepted) first).eventId());
        assertThat(pg.count("SELECT count(*) FROM audit_entry")).isEqualTo(entries);
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'replayed'")).isEqualTo(1);
    }

    @Test
    void a_refused_event_has_its_gates_decided_once() {
        Intake consenting = new Intake(new Jdbc(counter.wrap(pg.database().dataSource())), targets, new TestClock(),
                new SimpleMeterRegistry(), t -> new TenantPolicy("treatment"));
        ObjectNode note = Examples.load("note");
        ((ObjectNode) note.at("/patient/identifiers/0")).put("value", "3003");
        counter.reset();
        IntakeResult r = consenting.submit(tenant, "test", "no-consent", Examples.bytes(note));
        assertThat(r).isInstanceOf(IntakeResult.Refused.class);
        assertThat(((IntakeResult.Refused) r).errors()).extracting(e -> e.pointer()).containsExactly("/patient");
        // Decided in its group of one and answered there; before, the group handed it back and it was decided again
        // alone: two looks at the consent registry, two transactions.
        assertThat(counter.statements()).as("%s", counter.statements())
                .filteredOn(sql -> sql.contains("FROM consent_record")).hasSize(1);
        assertThat(pg.count("SELECT count(*) FROM clinical_event WHERE idempotency_key = 'no-consent'")).isZero();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE tenant_id = '" + tenant
                + "' AND action = 'event.refused'")).isEqualTo(1);
    }
}
