package dev.chartbridge.core.audit;

import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.util.UUID;

/**
 * Records who read protected health information: one audit entry per read of an event, and per query or list that
 * may return a patient's data (audit export, review list, searches, console pages). The entry names the reader
 * (the verified user when the request carried one, else the API key), what was read, the patient when the read
 * names one, and the query as sent; it is exported as an IHE BALP read or query AuditEvent. Written in its own
 * short transaction after the read, so a read never holds a write lock. Thread-safe.
 */
public final class PhiReads {
    /** The action of a read of one record (an event's status, an event page in the console). */
    public static final String READ = "phi.read";
    /** The action of a query or list (audit export, review list, search). */
    public static final String QUERY = "phi.query";
    /**
     * The SQL condition on {@code audit_entry} (unaliased) that an entry is not one of these reads, in the form the
     * index {@code audit_entry_event_reads} (V72) matches: with {@code event_id = ?} it reads only the event's other
     * entries, however often the event was read.
     */
    public static final String NOT_A_READ = "(action LIKE 'phi.%') IS FALSE";

    private final Jdbc jdbc;

    public PhiReads(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a read of one record.
     *
     * @param actor   who read: {@code apikey:<id>}, followed by {@code user:<subject>} when a user was verified
     * @param what    a stable name of what was read, e.g. {@code event-status}
     * @param eventId the event read (its patient is found through it), or null
     */
    public void recordRead(String tenantId, String actor, String what, UUID eventId) {
        record(READ, tenantId, actor, what, eventId, null, null);
    }

    /**
     * Records a query or list.
     *
     * @param patient the patient the query names, or null when it names none
     * @param query   the query as sent (e.g. the URL's query string), or null
     */
    public void recordQuery(String tenantId, String actor, String what, Identifier patient, String query) {
        record(QUERY, tenantId, actor, what, null, patient, query);
    }

    private void record(String action, String tenantId, String actor, String what, UUID eventId, Identifier patient,
                        String query) {
        var detail = Json.MAPPER.createObjectNode().put("what", what);
        if (patient != null) {
            detail.put("patient", patient.token());
        }
        if (query != null) {
            detail.put("query", query);
        }
        jdbc.inTransaction(c -> {
            AuditLog.append(c, tenantId, actor, action, eventId, null, detail.toString());
            return null;
        });
    }
}
