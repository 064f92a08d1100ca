package dev.chartbridge.bench;

import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.simulators.fhir.SeedData;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;

/**
 * Inserts pending work straight into the real schema with {@code generate_series}: one valid blood-pressure event,
 * its write operation (DUE) and its queue row per number, exactly the rows intake would store (minus the audit
 * entries). This is how a large backlog is made in seconds instead of hours of HTTP.
 *
 * <p>As with {@link Bodies}, number {@code i} is for patient {@code i % Bodies.patients()} of the simulator's
 * generated population, in that patient's open visit. Like intake, each operation carries its patient line's order
 * key (SHA-256 of {@code order}, tenant, target and the MRN token, as {@code OperationKey.orderKey}), and only the
 * first operation of each line is due; the others wait parked ({@code due_at = 'infinity'}) in number order, and
 * are woken one at a time as the one ahead of them is written.
 */
final class Backlog {
    private Backlog() {
    }

    /** The id of operation number {@code i}: {@code md5('op' || i)::uuid}, as {@link #insert} makes it. */
    static UUID operationId(long i) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(("op" + i).getBytes(StandardCharsets.UTF_8));
            return new UUID(ByteBuffer.wrap(d, 0, 8).getLong(), ByteBuffer.wrap(d, 8, 8).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void ensureTenant(Jdbc jdbc, String tenant) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO tenant (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, tenant);
                ps.setString(2, tenant);
                return ps.executeUpdate();
            }
        });
    }

    /** Inserts operations numbered 0 to {@code count} (exclusive), in chunks of 100,000, into an empty queue. */
    static void insert(Jdbc jdbc, String tenant, String target, long count) {
        int patients = Bodies.patients();
        // The MRN of number i, as SeedData.populationMrn makes it.
        String mrn = "(" + SeedData.POPULATION_FIRST_MRN + " + i % " + patients + ")::text";
        String body = "jsonb_build_object('schemaVersion', '1',"
                + " 'patient', jsonb_build_object('identifiers', jsonb_build_array(jsonb_build_object("
                + "     'system', '" + SeedData.MRN_SYSTEM + "', 'value', " + mrn + "))),"
                + " 'encounter', jsonb_build_object('identifier', jsonb_build_object("
                + "     'system', '" + SeedData.VISIT_SYSTEM + "', 'value', 'V' || " + mrn + ")),"
                + " 'author', '{\"npi\":\"1234567893\",\"role\":\"physician\",\"name\":\"Ada Park\"}'::jsonb,"
                + " 'occurredAt', to_char(timestamp '2024-01-01 00:00:00' + i * interval '1 second',"
                + "     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                + " 'targets', '[\"ehr\"]'::jsonb, 'type', 'vitals',"
                + " 'payload', jsonb_build_object('measurements', jsonb_build_array(jsonb_build_object("
                + "     'kind', 'blood-pressure', 'systolic', 100 + i % 90, 'diastolic', 60 + i % 30,"
                + "     'unit', 'mm[Hg]'))),"
                + " 'provenance', '{\"aiAssisted\":false}'::jsonb)";
        String orderKey = "encode(sha256(convert_to('order' || chr(10) || '" + tenant + "' || chr(10) || '" + target
                + "' || chr(10) || '" + SeedData.MRN_SYSTEM + "|' || " + mrn + ", 'UTF8')), 'hex')";
        for (long lo = 0; lo < count; lo += 100_000) {
            long hi = Math.min(count, lo + 100_000) - 1;
            String range = " FROM generate_series(" + lo + ", " + hi + ") AS i";
            jdbc.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO clinical_event (id, tenant_id, idempotency_key, body_hash, event_type,"
                            + " schema_version, body) SELECT md5('event' || i)::uuid, '" + tenant + "',"
                            + " 'bench-' || i, md5('body' || i), 'vitals', '1', " + body + range);
                    s.execute("INSERT INTO write_operation (id, event_id, tenant_id, target, vendor, part,"
                            + " resource_type, operation_key, state, order_key) SELECT md5('op' || i)::uuid,"
                            + " md5('event' || i)::uuid, '" + tenant + "', '" + target + "', 'fhir-r4', 0,"
                            + " 'Observation', substr(md5('key' || i) || md5('KEY' || i), 1, 40), 'DUE', "
                            + orderKey + range);
                    s.execute("INSERT INTO outbox (operation_id, queue, due_at, order_key, order_pos)"
                            + " SELECT md5('op' || i)::uuid, '" + tenant + "/" + target + "', CASE WHEN i < "
                            + patients + " THEN now() ELSE 'infinity'::timestamptz END, " + orderKey + ", i + 1"
                            + range);
                    // Operations queued later (by intake) join the back of their lines.
                    s.execute("SELECT setval('outbox_order_pos', " + (hi + 1) + ")");
                }
                return null;
            });
        }
        jdbc.read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE clinical_event");
                s.execute("VACUUM ANALYZE write_operation");
                s.execute("VACUUM ANALYZE outbox");
            }
            return null;
        });
    }
}
