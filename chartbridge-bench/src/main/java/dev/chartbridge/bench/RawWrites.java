package dev.chartbridge.bench;

import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.simulators.fhir.SeedData;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The database baselines intake and delivery are measured against, by plain JDBC on the owner's pool, one
 * transaction per call:
 * <ul>
 *   <li>{@link #insertOneRow}: one event-like row (the same JSON body as jsonb) into {@code bench_raw_event}, a table
 *   made {@code LIKE clinical_event} with its defaults and indexes; the cheapest durable write there is.</li>
 *   <li>{@link #insertFloor}: the floor of intake's durable work for one event with one target: the same rows intake
 *   writes, into the real tables (their indexes and constraints): the event, its write operation, its queue row
 *   and its {@code event.accepted} audit entry with its {@code audit_pending} mark, written as the schema has it: by
 *   the trigger on {@code audit_entry} where the schema has that trigger, else in the entry's own statement (a
 *   data-modifying CTE, as {@code AuditLog} does once the trigger is gone, V70). Nothing else: no
 *   release-control or webhook lookups, no patient-line lock or look, no parsing. The rows are of tenant
 *   {@value #FLOOR_TENANT}, queue {@code floor/ehr}, which no node serves, so nothing ever claims them.</li>
 * </ul>
 * Thread-safe.
 */
final class RawWrites {
    static final String FLOOR_TENANT = "floor";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String AUDIT_ENTRY = "INSERT INTO audit_entry (tenant_id, actor, action, event_id,"
            + " operation_id, detail, mac) VALUES (?, 'apikey:floor', 'event.accepted', ?, NULL, ?, ?)";

    private final Database owner;
    /** The floor's audit statement: the entry alone where a trigger marks it pending, else entry and mark. */
    private final String auditSql;

    private RawWrites(Database owner, String auditSql) {
        this.owner = owner;
        this.auditSql = auditSql;
    }

    /** Creates the raw table and the floor's tenant (as the owner), and reads how the schema marks entries pending. */
    static RawWrites prepare(Database owner) throws SQLException {
        try (Connection c = owner.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_raw_event"
                    + " (LIKE clinical_event INCLUDING DEFAULTS INCLUDING INDEXES)");
            s.execute("INSERT INTO tenant (id, name) VALUES ('" + FLOOR_TENANT + "', 'Floor baseline')"
                    + " ON CONFLICT (id) DO NOTHING");
            boolean trigger;
            try (var rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_trigger"
                    + " WHERE tgrelid = 'audit_entry'::regclass AND tgname = 'audit_entry_pending')")) {
                rs.next();
                trigger = rs.getBoolean(1);
            }
            return new RawWrites(owner, trigger ? AUDIT_ENTRY : "WITH entry AS (" + AUDIT_ENTRY + " RETURNING id)"
                    + " INSERT INTO audit_pending (entry_id) SELECT id FROM entry");
        }
    }

    /** How the floor's audit entry gets its pending mark, for the report. */
    String auditPendingMark() {
        return auditSql.startsWith("WITH") ? "in the entry's statement (no trigger in this schema)"
                : "by the schema's trigger on audit_entry";
    }

    /** One row, one transaction. */
    boolean insertOneRow() throws SQLException {
        String text = new String(Bodies.next(), StandardCharsets.UTF_8);
        try (Connection c = owner.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_raw_event (id, tenant_id,"
                    + " idempotency_key, body_hash, event_type, schema_version, body) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, Node.TENANT);
                ps.setString(3, UUID.randomUUID().toString());
                ps.setString(4, Json.sha256(text));
                ps.setString(5, "vitals");
                ps.setString(6, "1");
                ps.setString(7, text);
                ps.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    /** Intake's four rows for one event with one target, in one transaction (four statements, as intake has them). */
    boolean insertFloor() throws SQLException {
        FloorEvent e = FloorEvent.next();
        try (Connection c = owner.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clinical_event (id, tenant_id, idempotency_key,"
                    + " body_hash, event_type, schema_version, body, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                ps.setObject(1, e.eventId());
                ps.setString(2, FLOOR_TENANT);
                ps.setString(3, e.key());
                ps.setString(4, e.bodyHash());
                ps.setString(5, "vitals");
                ps.setString(6, "1");
                ps.setString(7, e.body());
                ps.setString(8, null);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_operation (id, event_id, tenant_id, target,"
                    + " vendor, part, resource_type, operation_key, state, shadow, order_key)"
                    + " VALUES (?, ?, ?, 'ehr', 'fhir-r4', 0, 'Observation', ?, 'DUE', false, ?)")) {
                ps.setObject(1, e.operationId());
                ps.setObject(2, e.eventId());
                ps.setString(3, FLOOR_TENANT);
                ps.setString(4, e.operationKey());
                ps.setString(5, e.orderKey());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (operation_id, queue, due_at, order_key,"
                    + " order_pos) VALUES (?, 'floor/ehr', now(), ?, nextval('outbox_order_pos'))")) {
                ps.setObject(1, e.operationId());
                ps.setString(2, e.orderKey());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(auditSql)) {
                ps.setString(1, FLOOR_TENANT);
                ps.setObject(2, e.eventId());
                ps.setString(3, e.detail());
                ps.setString(4, e.mac());
                ps.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    /**
     * The floor's rows for {@code n} events in one transaction, one multi-row statement per table (arrays through
     * {@code unnest}): what intake would write per group if it committed concurrent events together (group commit,
     * not built; issue #17). Same rows, indexes and constraints as {@link #insertFloor}.
     */
    boolean insertFloorGroup(int n) throws SQLException {
        List<FloorEvent> group = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            group.add(FloorEvent.next());
        }
        Object[] events = group.stream().map(FloorEvent::eventId).toArray();
        Object[] operations = group.stream().map(FloorEvent::operationId).toArray();
        Object[] orderKeys = group.stream().map(FloorEvent::orderKey).toArray();
        try (Connection c = owner.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clinical_event (id, tenant_id, idempotency_key,"
                    + " body_hash, event_type, schema_version, body, traceparent) SELECT u.id, ?, u.k, u.h, 'vitals',"
                    + " '1', u.b::jsonb, NULL FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) AS u(id, k, h, b)")) {
                ps.setString(1, FLOOR_TENANT);
                ps.setArray(2, c.createArrayOf("uuid", events));
                ps.setArray(3, c.createArrayOf("text", group.stream().map(FloorEvent::key).toArray()));
                ps.setArray(4, c.createArrayOf("text", group.stream().map(FloorEvent::bodyHash).toArray()));
                ps.setArray(5, c.createArrayOf("text", group.stream().map(FloorEvent::body).toArray()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_operation (id, event_id, tenant_id, target,"
                    + " vendor, part, resource_type, operation_key, state, shadow, order_key) SELECT u.id, u.e, ?, 'ehr',"
                    + " 'fhir-r4', 0, 'Observation', u.k, 'DUE', false, u.o"
                    + " FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[]) AS u(id, e, k, o)")) {
                ps.setString(1, FLOOR_TENANT);
                ps.setArray(2, c.createArrayOf("uuid", operations));
                ps.setArray(3, c.createArrayOf("uuid", events));
                ps.setArray(4, c.createArrayOf("text",
                        group.stream().map(FloorEvent::operationKey).toArray()));
                ps.setArray(5, c.createArrayOf("text", orderKeys));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (operation_id, queue, due_at, order_key,"
                    + " order_pos) SELECT u.id, 'floor/ehr', now(), u.o, nextval('outbox_order_pos')"
                    + " FROM unnest(?::uuid[], ?::text[]) WITH ORDINALITY AS u(id, o, n) ORDER BY u.n")) {
                ps.setArray(1, c.createArrayOf("uuid", operations));
                ps.setArray(2, c.createArrayOf("text", orderKeys));
                ps.executeUpdate();
            }
            String entries = "INSERT INTO audit_entry (tenant_id, actor, action, event_id, operation_id, detail, mac)"
                    + " SELECT ?, 'apikey:floor', 'event.accepted', u.e, NULL, u.d, u.m"
                    + " FROM unnest(?::uuid[], ?::text[], ?::text[]) AS u(e, d, m)";
            try (PreparedStatement ps = c.prepareStatement(auditSql.startsWith("WITH") ? "WITH entry AS (" + entries
                    + " RETURNING id) INSERT INTO audit_pending (entry_id) SELECT id FROM entry" : entries)) {
                ps.setString(1, FLOOR_TENANT);
                ps.setArray(2, c.createArrayOf("uuid", events));
                ps.setArray(3, c.createArrayOf("text", group.stream().map(FloorEvent::detail).toArray()));
                ps.setArray(4, c.createArrayOf("text", group.stream().map(FloorEvent::mac).toArray()));
                ps.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    /**
     * One floor event's values, of the kinds intake computes: a body and its digest, a 40-character operation key, a
     * SHA-256 patient-line key, the acceptance's audit detail and a signature-shaped MAC.
     */
    private record FloorEvent(UUID eventId, UUID operationId, String key, String body, String bodyHash,
                              String operationKey, String orderKey, String detail, String mac) {
        static FloorEvent next() {
            String body = new String(Bodies.next(), StandardCharsets.UTF_8);
            UUID operationId = UUID.randomUUID();
            String mrn = SeedData.populationMrn(RANDOM.nextInt(Bodies.patients()));
            return new FloorEvent(UUID.randomUUID(), operationId, UUID.randomUUID().toString(), body,
                    Json.sha256(body), Json.sha256(operationId.toString()).substring(0, 40),
                    Json.sha256("order\n" + FLOOR_TENANT + "\nehr\n" + SeedData.MRN_SYSTEM + "|" + mrn),
                    "{\"aiAssisted\":false,\"authorNpi\":\"1234567893\",\"operations\":[{\"id\":\"" + operationId
                            + "\",\"part\":0,\"resourceType\":\"Observation\",\"target\":\"ehr\"}],"
                            + "\"type\":\"vitals\"}", RawWrites.mac());
        }
    }

    /** A value shaped like the gateway's entry signature (nonce and HMAC-SHA256, base64): unique, as the index needs. */
    static String mac() {
        byte[] nonce = new byte[16];
        byte[] sum = new byte[32];
        RANDOM.nextBytes(nonce);
        RANDOM.nextBytes(sum);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return b64.encodeToString(nonce) + "." + b64.encodeToString(sum);
    }
}
