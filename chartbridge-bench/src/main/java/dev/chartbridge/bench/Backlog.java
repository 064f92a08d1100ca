package dev.chartbridge.bench;

import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * Inserts pending work straight into the real schema with {@code generate_series}: one valid blood-pressure event,
 * its write operation (DUE) and its queue row per number, exactly the rows intake would store (minus the audit
 * entry). This is how a large backlog is made in seconds instead of hours of HTTP.
 */
final class Backlog {
    private static final String EVENT_BODY = "jsonb_build_object('schemaVersion', '1',"
            + " 'patient', '{\"identifiers\":[{\"system\":\"urn:chartbridge:sim:mrn\",\"value\":\"1001\"}]}'::jsonb,"
            + " 'encounter', '{\"identifier\":{\"system\":\"urn:chartbridge:sim:visit\",\"value\":\"V5001\"}}'::jsonb,"
            + " 'author', '{\"npi\":\"1234567893\",\"role\":\"physician\",\"name\":\"Ada Park\"}'::jsonb,"
            + " 'occurredAt', to_char(timestamp '2024-01-01 00:00:00' + i * interval '1 second',"
            + "     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            + " 'targets', '[\"ehr\"]'::jsonb, 'type', 'vitals',"
            + " 'payload', jsonb_build_object('measurements', jsonb_build_array(jsonb_build_object("
            + "     'kind', 'blood-pressure', 'systolic', 100 + i % 90, 'diastolic', 60 + i % 30, 'unit', 'mm[Hg]'))),"
            + " 'provenance', '{\"aiAssisted\":false}'::jsonb)";

    private Backlog() {
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

    /** Inserts operations numbered {@code from} (inclusive) to {@code to} (exclusive), in chunks of 100,000. */
    static void insert(Jdbc jdbc, String tenant, String target, long from, long to) {
        for (long lo = from; lo < to; lo += 100_000) {
            long hi = Math.min(to, lo + 100_000) - 1;
            String range = " FROM generate_series(" + lo + ", " + hi + ") AS i";
            jdbc.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO clinical_event (id, tenant_id, idempotency_key, body_hash, event_type,"
                            + " schema_version, body) SELECT md5('event' || i)::uuid, '" + tenant + "',"
                            + " 'bench-' || i, md5('body' || i), 'vitals', '1', " + EVENT_BODY + range);
                    s.execute("INSERT INTO write_operation (id, event_id, tenant_id, target, vendor, part,"
                            + " resource_type, operation_key, state) SELECT md5('op' || i)::uuid,"
                            + " md5('event' || i)::uuid, '" + tenant + "', '" + target + "', 'fhir-r4', 0,"
                            + " 'Observation', substr(md5('key' || i) || md5('KEY' || i), 1, 40), 'DUE'" + range);
                    s.execute("INSERT INTO outbox (operation_id, queue, due_at) SELECT md5('op' || i)::uuid, '"
                            + tenant + "/" + target + "', now()" + range);
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
