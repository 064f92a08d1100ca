package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseControls;
import dev.chartbridge.core.release.ReleaseMode;
import dev.chartbridge.core.secret.SecretVault;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.settings.TenantSettingsListener;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.Awaits;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.testing.TestClock;
import dev.chartbridge.core.webhook.Webhooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway nodes on one database, each with its own pool, cache of tenants' settings and listener (issue #17):
 * a change committed on one is seen by the other's next intake, with its listener (the copy is dropped on NOTIFY)
 * and without it (the insert finds the copy stale); a lost listening connection drops every copy.
 */
class SettingsAcrossNodesTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    private Node a;
    private Node b;
    private int n;

    /** One node: its own pool on the shared database, cache, intake, and (optionally) listener. */
    private final class Node implements AutoCloseable {
        final Database db = Database.connect(pg.url(), "postgres", null, 4);
        final Jdbc jdbc = new Jdbc(db.dataSource());
        final TenantSettingsCache cache = new TenantSettingsCache(jdbc);
        final TenantSettingsListener listener;
        final Intake intake;

        Node(boolean listening) {
            listener = listening ? TenantSettingsListener.start(db::dedicatedConnection, cache) : null;
            Targets targets = new Targets(List.of(new Target(tenant, "ehr", new PlanOnlyAdapter(), 4)));
            intake = new Intake(jdbc, targets, new TestClock(), new SimpleMeterRegistry(),
                    t -> TenantPolicy.permissive(), cache);
        }

        IntakeResult submitNote() {
            ObjectNode note = Examples.load("note");
            ((ObjectNode) note.get("payload")).put("title", "Visit " + (++n));
            return intake.submit(tenant, "test", "k" + n, Examples.bytes(note));
        }

        @Override
        public void close() {
            if (listener != null) {
                listener.close();
            }
            db.close();
        }
    }

    @BeforeEach
    void start() {
        pg.execute("INSERT INTO tenant (id, name) VALUES ('" + tenant + "', 'Test clinic')");
    }

    @AfterEach
    void stop() {
        for (Node node : new Node[]{a, b}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private void setNotes(ReleaseMode mode) {
        new ReleaseControls(a.jdbc).set(tenant, "apikey:admin", new ReleaseControl("ehr", "note", mode, Set.of(),
                Set.of(), null));
    }

    @Test
    void a_release_control_turned_off_on_one_node_refuses_the_other_nodes_next_intake() {
        a = new Node(true);
        b = new Node(true);
        Awaits.until("listening", () -> b.listener.listening(), LIMIT);
        assertThat(b.submitNote()).isInstanceOf(IntakeResult.Accepted.class);
        assertThat(b.cache.holds(tenant)).isTrue();

        setNotes(ReleaseMode.OFF);

        Awaits.until("dropped by the other node's listener", () -> !b.cache.holds(tenant), LIMIT);
        assertThat(b.submitNote()).isInstanceOf(IntakeResult.Refused.class);
    }

    @Test
    void without_a_listener_a_stale_copy_lets_nothing_past_a_gate_and_refuses_nothing_the_database_allows() {
        a = new Node(false);
        b = new Node(false);
        assertThat(b.submitNote()).isInstanceOf(IntakeResult.Accepted.class);

        setNotes(ReleaseMode.OFF);
        assertThat(b.cache.holds(tenant)).as("nobody told node b").isTrue();
        assertThat(b.submitNote()).as("the insert found b's copy stale").isInstanceOf(IntakeResult.Refused.class);

        setNotes(ReleaseMode.LIVE);
        long refusals = pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND tenant_id = '" + tenant + "'");
        assertThat(b.submitNote()).as("the refusal was checked against the database")
                .isInstanceOf(IntakeResult.Accepted.class);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'event.refused'"
                + " AND tenant_id = '" + tenant + "'")).isEqualTo(refusals);
    }

    @Test
    void a_release_control_removed_by_truncate_in_sql_is_not_applied_by_an_older_copy() {
        a = new Node(false);
        b = new Node(false);
        setNotes(ReleaseMode.OFF);
        assertThat(b.submitNote()).isInstanceOf(IntakeResult.Refused.class);
        assertThat(b.cache.holds(tenant)).isTrue();

        // A manual fix in SQL: TRUNCATE fires no row trigger, so V73's statement trigger raises the version.
        pg.execute("TRUNCATE release_control");

        assertThat(b.submitNote()).as("the refusal by b's copy was found stale").isInstanceOf(IntakeResult.Accepted.class);
    }

    @Test
    void a_release_control_moved_to_another_tenant_is_not_applied_by_an_older_copy_of_the_first() {
        a = new Node(false);
        b = new Node(false);
        String other = tenant + "-other";
        pg.execute("INSERT INTO tenant (id, name) VALUES ('" + other + "', 'Other clinic')");
        setNotes(ReleaseMode.OFF);
        assertThat(b.submitNote()).isInstanceOf(IntakeResult.Refused.class);

        pg.execute("UPDATE release_control SET tenant_id = '" + other + "' WHERE tenant_id = '" + tenant + "'");

        assertThat(b.submitNote()).as("the old tenant's version was raised too").isInstanceOf(IntakeResult.Accepted.class);
    }

    @Test
    void a_replay_after_its_target_was_turned_off_gets_its_original_answer_and_audits_nothing() {
        a = new Node(false);
        b = new Node(false);
        ObjectNode note = Examples.load("note");
        ((ObjectNode) note.get("payload")).put("title", "Replayed after the change");
        IntakeResult first = b.intake.submit(tenant, "test", "replayed", Examples.bytes(note));
        setNotes(ReleaseMode.OFF);
        long entries = pg.count("SELECT count(*) FROM audit_entry WHERE tenant_id = '" + tenant + "'");

        IntakeResult again = b.intake.submit(tenant, "test", "replayed", Examples.bytes(note));

        assertThat(again).isInstanceOf(IntakeResult.Accepted.class);
        assertThat(((IntakeResult.Accepted) again).replay()).isTrue();
        assertThat(((IntakeResult.Accepted) again).eventId()).isEqualTo(((IntakeResult.Accepted) first).eventId());
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE tenant_id = '" + tenant + "'")).isEqualTo(entries);
    }

    @Test
    void a_webhook_registered_on_one_node_is_told_of_the_other_nodes_next_event() {
        a = new Node(true);
        b = new Node(true);
        Awaits.until("listening", () -> b.listener.listening(), LIMIT);
        UUID before = ((IntakeResult.Accepted) b.submitNote()).eventId();
        assertThat(deliveries(before)).isZero();

        new Webhooks(a.jdbc, new SecretVault(a.jdbc, new byte[32])).register(tenant, "apikey:admin",
                "https://receiver.example/hook", null);

        Awaits.until("dropped by the other node's listener", () -> !b.cache.holds(tenant), LIMIT);
        UUID after = ((IntakeResult.Accepted) b.submitNote()).eventId();
        assertThat(deliveries(after)).isEqualTo(1);
    }

    @Test
    void a_lost_listening_connection_drops_every_copy_and_listening_resumes() {
        a = new Node(false);
        b = new Node(true);
        Awaits.until("listening", () -> b.listener.listening(), LIMIT);
        b.submitNote();
        assertThat(b.cache.holds(tenant)).isTrue();

        pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                + TenantSettingsListener.APPLICATION_NAME + "'");

        Awaits.until("every copy dropped", () -> !b.cache.holds(tenant), LIMIT);
        Awaits.until("listening again", () -> b.listener.listening(), LIMIT);
        b.submitNote();
        assertThat(b.cache.holds(tenant)).isTrue();
        setNotes(ReleaseMode.SHADOW);
        Awaits.until("dropped after the reconnection", () -> !b.cache.holds(tenant), LIMIT);
    }

    private long deliveries(UUID eventId) {
        return pg.count("SELECT count(*) FROM webhook_delivery WHERE event_id = '" + eventId + "'");
    }
}
