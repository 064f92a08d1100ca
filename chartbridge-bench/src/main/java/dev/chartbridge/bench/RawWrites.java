package dev.chartbridge.bench;

import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.store.Database;
import dev.chartbridge.simulators.fhir.SeedData;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
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
        String text = new String(Bodies.next(), StandardCharsets.UTF_8);
        UUID eventId = UUID.randomUUID();
        UUID operationId = UUID.randomUUID();
        String mrn = SeedData.populationMrn(RANDOM.nextInt(Bodies.patients()));
        // The same kinds of values intake computes: a body digest, a 40-character operation key, a SHA-256 order key.
        String orderKey = Json.sha256("order\n" + FLOOR_TENANT + "\nehr\n" + SeedData.MRN_SYSTEM + "|" + mrn);
        String operationKey = Json.sha256(operationId.toString()).substring(0, 40);
        String detail = "{\"aiAssisted\":false,\"authorNpi\":\"1234567893\",\"operations\":[{\"id\":\"" + operationId
                + "\",\"part\":0,\"resourceType\":\"Observation\",\"target\":\"ehr\"}],\"type\":\"vitals\"}";
        try (Connection c = owner.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clinical_event (id, tenant_id, idempotency_key,"
                    + " body_hash, event_type, schema_version, body, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                ps.setObject(1, eventId);
                ps.setString(2, FLOOR_TENANT);
                ps.setString(3, UUID.randomUUID().toString());
                ps.setString(4, Json.sha256(text));
                ps.setString(5, "vitals");
                ps.setString(6, "1");
                ps.setString(7, text);
                ps.setString(8, null);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_operation (id, event_id, tenant_id, target,"
                    + " vendor, part, resource_type, operation_key, state, shadow, order_key)"
                    + " VALUES (?, ?, ?, 'ehr', 'fhir-r4', 0, 'Observation', ?, 'DUE', false, ?)")) {
                ps.setObject(1, operationId);
                ps.setObject(2, eventId);
                ps.setString(3, FLOOR_TENANT);
                ps.setString(4, operationKey);
                ps.setString(5, orderKey);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (operation_id, queue, due_at, order_key,"
                    + " order_pos) VALUES (?, 'floor/ehr', now(), ?, nextval('outbox_order_pos'))")) {
                ps.setObject(1, operationId);
                ps.setString(2, orderKey);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(auditSql)) {
                ps.setString(1, FLOOR_TENANT);
                ps.setObject(2, eventId);
                ps.setString(3, detail);
                ps.setString(4, mac());
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
        Object[] events = new Object[n];
        Object[] operations = new Object[n];
        String[] keys = new String[n];
        String[] hashes = new String[n];
        String[] bodies = new String[n];
        String[] operationKeys = new String[n];
        String[] orderKeys = new String[n];
        String[] details = new String[n];
        String[] macs = new String[n];
        for (int i = 0; i < n; i++) {
            String text = new String(Bodies.next(), StandardCharsets.UTF_8);
            UUID eventId = UUID.randomUUID();
            UUID operationId = UUID.randomUUID();
            String mrn = SeedData.populationMrn(RANDOM.nextInt(Bodies.patients()));
            events[i] = eventId;
            operations[i] = operationId;
            keys[i] = UUID.randomUUID().toString();
            hashes[i] = Json.sha256(text);
            bodies[i] = text;
            operationKeys[i] = Json.sha256(operationId.toString()).substring(0, 40);
            orderKeys[i] = Json.sha256("order\n" + FLOOR_TENANT + "\nehr\n" + SeedData.MRN_SYSTEM + "|" + mrn);
            details[i] = "{\"aiAssisted\":false,\"authorNpi\":\"1234567893\",\"operations\":[{\"id\":\""
                    + operationId + "\",\"part\":0,\"resourceType\":\"Observation\",\"target\":\"ehr\"}],"
                    + "\"type\":\"vitals\"}";
            macs[i] = mac();
        }
        try (Connection c = owner.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clinical_event (id, tenant_id, idempotency_key,"
                    + " body_hash, event_type, schema_version, body, traceparent) SELECT u.id, ?, u.k, u.h, 'vitals',"
                    + " '1', u.b::jsonb, NULL FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) AS u(id, k, h, b)")) {
                ps.setString(1, FLOOR_TENANT);
                ps.setArray(2, c.createArrayOf("uuid", events));
                ps.setArray(3, c.createArrayOf("text", keys));
                ps.setArray(4, c.createArrayOf("text", hashes));
                ps.setArray(5, c.createArrayOf("text", bodies));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO write_operation (id, event_id, tenant_id, target,"
                    + " vendor, part, resource_type, operation_key, state, shadow, order_key) SELECT u.id, u.e, ?, 'ehr',"
                    + " 'fhir-r4', 0, 'Observation', u.k, 'DUE', false, u.o"
                    + " FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[]) AS u(id, e, k, o)")) {
                ps.setString(1, FLOOR_TENANT);
                ps.setArray(2, c.createArrayOf("uuid", operations));
                ps.setArray(3, c.createArrayOf("uuid", events));
                ps.setArray(4, c.createArrayOf("text", operationKeys));
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
                ps.setArray(3, c.createArrayOf("text", details));
                ps.setArray(4, c.createArrayOf("text", macs));
                ps.executeUpdate();
            }
            c.commit();
            return true;
        }
    }

    /** A value shaped like the gateway's entry signature (nonce and HMAC-SHA256, base64): unique, as the index needs. */
    private static String mac() {
        byte[] nonce = new byte[16];
        byte[] sum = new byte[32];
        RANDOM.nextBytes(nonce);
        RANDOM.nextBytes(sum);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return b64.encodeToString(nonce) + "." + b64.encodeToString(sum);
    }
}
