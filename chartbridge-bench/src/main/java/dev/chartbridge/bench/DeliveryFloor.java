package dev.chartbridge.bench;

import dev.chartbridge.core.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of a delivered write's durable work in PostgreSQL, by plain JDBC on the owner's pool: the rows the
 * gateway's ledger promises for one write, in the real tables (their indexes and constraints), in the fewest
 * statements and commits that keep the promise of exactly one send. Per write, two statements, each its own
 * transaction:
 * <ol>
 *   <li>before the send, the claim and the mark that a send may happen, in one statement: the outbox row's lease
 *   (HOT, as the gateway's claim) and the operation moved to {@code IN_FLIGHT} with its send counted. Committed
 *   before anything leaves, or a crash after the send could resend.</li>
 *   <li>after the send, the outcome in one statement: the outbox row deleted, the operation moved to
 *   {@code CREATED_UNVERIFIED} with the remote id, the attempt row, the {@code operation.created} audit entry, the
 *   next write of the patient's line made due with its {@code operation.released} entry, both entries with their
 *   {@code audit_pending} marks.</li>
 * </ol>
 * Nothing else: no batch claim, no lease fence, no line lock, no settings or webhook check, no notice. It works on
 * the backlog's last operations ({@link Backlog} numbers), in ascending order so that the next write of a line is
 * still queued when the one ahead of it releases it; the drain that follows starts at the backlog's head and never
 * reaches them. Thread-safe.
 */
final class DeliveryFloor {
    private static final String MARK = "WITH lease AS (UPDATE outbox SET leased_until = now() + interval '60 s',"
            + " lease_owner = 'floor', lease_token = gen_random_uuid() WHERE operation_id = ? RETURNING operation_id)"
            + " UPDATE write_operation SET state = 'IN_FLIGHT', sends = sends + 1, updated_at = now()"
            + " WHERE id = (SELECT operation_id FROM lease)";
    private static final String OUTCOME = "WITH gone AS (DELETE FROM outbox WHERE operation_id = ?"
            + " RETURNING operation_id),"
            + " moved AS (UPDATE write_operation SET state = 'CREATED_UNVERIFIED', updated_at = now(), remote_id = ?,"
            + " remote_version = '1' WHERE id = (SELECT operation_id FROM gone) RETURNING id, event_id),"
            + " attempt AS (INSERT INTO delivery_attempt (operation_id, step, started_at, duration_ms, outcome,"
            + " http_status, request_digest, trace_id, node) SELECT id, 'SEND', now(), 100, 'created', 201, ?, ?,"
            + " 'floor' FROM moved),"
            + " released AS (UPDATE outbox SET due_at = now() WHERE operation_id = ? AND due_at = 'infinity'"
            + " RETURNING operation_id),"
            + " entry AS (INSERT INTO audit_entry (tenant_id, actor, action, event_id, operation_id, detail, mac)"
            + " SELECT ?, 'node:floor', 'operation.created', event_id, id, ?, ? FROM moved"
            + " UNION ALL SELECT ?, 'node:floor', 'operation.released', NULL, operation_id, ?, ? FROM released"
            + " RETURNING id)"
            + " INSERT INTO audit_pending (entry_id) SELECT id FROM entry";

    private final Database owner;
    private final String tenant;
    private final int patients;
    private final AtomicLong next;
    private final long end;

    /**
     * @param first the backlog number of the first operation to deliver; {@code end} the one after the last
     * @param patients the backlog's patients: the next write of number {@code i}'s line is {@code i + patients}
     */
    DeliveryFloor(Database owner, String tenant, int patients, long first, long end) {
        this.owner = owner;
        this.tenant = tenant;
        this.patients = patients;
        this.next = new AtomicLong(first);
        this.end = end;
    }

    /** Delivers the next operation's rows (two transactions); false when none is left. */
    boolean deliverNext() throws SQLException {
        long i = next.getAndIncrement();
        if (i >= end) {
            return false;
        }
        UUID op = Backlog.operationId(i);
        try (Connection c = owner.dataSource().getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement(MARK)) {
                ps.setObject(1, op);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("floor: operation " + i + " was not queued");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(OUTCOME)) {
                int k = 1;
                ps.setObject(k++, op);
                ps.setString(k++, UUID.randomUUID().toString());
                ps.setString(k++, "sha256:" + dev.chartbridge.core.json.Json.sha256(op.toString()));
                ps.setString(k++, UUID.randomUUID().toString().replace("-", ""));
                ps.setObject(k++, Backlog.operationId(i + patients));
                ps.setString(k++, tenant);
                ps.setString(k++, "{\"httpStatus\":201,\"remoteId\":\"Observation/" + i + "\",\"state\":"
                        + "\"CREATED_UNVERIFIED\",\"step\":\"SEND\",\"target\":\"ehr\"}");
                ps.setString(k++, RawWrites.mac());
                ps.setString(k++, tenant);
                ps.setString(k++, "{\"after\":\"" + op + "\",\"reason\":\"the earlier write for this patient and"
                        + " target was written or ended\"}");
                ps.setString(k, RawWrites.mac());
                ps.executeUpdate();
            }
        }
        return true;
    }
}
