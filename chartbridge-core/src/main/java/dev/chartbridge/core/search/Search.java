package dev.chartbridge.core.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chartbridge.core.event.EventStatus;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Finds a tenant's events and operations by patient, state, target, event type, error class, time window and
 * author, newest first, a page at a time (keyset pagination on time and id: a page never repeats or skips a row
 * because rows arrived meanwhile). Each filter is served by an index (migration V40). Another tenant's rows are
 * never seen. Thread-safe.
 */
public final class Search {
    private final Jdbc jdbc;

    public Search(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Events in acceptance order, newest first. */
    public SearchPage<EventSummary> events(String tenantId, SearchFilter f) {
        Query q = eventsQuery(tenantId, f);
        return jdbc.snapshot(c -> {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[]{rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)});
                }
            }
            boolean more = rows.size() > f.limit();
            List<Object[]> page = more ? rows.subList(0, f.limit()) : rows;
            Map<UUID, List<EventSummary.Write>> writes = writes(c, page.stream().map(r -> (UUID) r[0]).toList());
            List<EventSummary> items = page.stream().map(r -> {
                List<EventSummary.Write> ws = writes.getOrDefault((UUID) r[0], List.of());
                String status = EventStatus.of(ws.stream().map(x -> OperationState.valueOf(x.state())).toList())
                        .wireName();
                return new EventSummary((UUID) r[0], (String) r[1], (Instant) r[2], status, (String) r[3], ws);
            }).toList();
            Object[] last = page.isEmpty() ? null : page.get(page.size() - 1);
            return new SearchPage<>(items, more ? new SearchCursor((Instant) last[2], (UUID) last[0]) : null);
        });
    }

    /** Operations in planning order, newest first. */
    public SearchPage<OperationSummary> operations(String tenantId, SearchFilter f) {
        Query q = operationsQuery(tenantId, f);
        return jdbc.snapshot(c -> {
            List<OperationSummary> rows = new ArrayList<>();
            try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OperationSummary(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getInt(12),
                            rs.getObject(13, OffsetDateTime.class).toInstant(),
                            rs.getObject(14, OffsetDateTime.class).toInstant()));
                }
            }
            boolean more = rows.size() > f.limit();
            List<OperationSummary> page = more ? rows.subList(0, f.limit()) : rows;
            OperationSummary last = page.isEmpty() ? null : page.get(page.size() - 1);
            return new SearchPage<>(page, more ? new SearchCursor(last.createdAt(), last.id()) : null);
        });
    }

    /** One page's statement (a row more than the limit, to tell whether another page follows). */
    static Query eventsQuery(String tenantId, SearchFilter f) {
        Where w = new Where("e.tenant_id = ?", tenantId);
        common(w, f);
        w.range("e.accepted_at", f.since(), f.until());
        if (f.onOperations()) {
            Where ops = new Where("o.event_id = e.id");
            operationFilters(ops, f);
            w.and("EXISTS (SELECT 1 FROM write_operation o WHERE " + ops.sql + ")", ops.params.toArray());
        }
        w.after("e.accepted_at", "e.id", f.cursor());
        w.params.add(f.limit() + 1);
        return new Query("SELECT e.id, e.event_type, e.accepted_at, e.body->'author'->>'npi' FROM clinical_event e"
                + " WHERE " + w.sql + " ORDER BY e.accepted_at DESC, e.id DESC LIMIT ?", w.params);
    }

    static Query operationsQuery(String tenantId, SearchFilter f) {
        Where w = new Where("o.tenant_id = ?", tenantId);
        common(w, f);
        operationFilters(w, f);
        w.range("o.created_at", f.since(), f.until());
        w.after("o.created_at", "o.id", f.cursor());
        w.params.add(f.limit() + 1);
        return new Query("SELECT o.id, o.event_id, e.event_type, o.target, o.vendor, o.resource_type, o.kind,"
                + " o.state, o.error_class, o.error_detail, o.remote_id, o.sends, o.created_at, o.updated_at"
                + " FROM write_operation o JOIN clinical_event e ON e.id = o.event_id WHERE " + w.sql
                + " ORDER BY o.created_at DESC, o.id DESC LIMIT ?", w.params);
    }

    /** A statement and its parameters in order. */
    record Query(String sql, List<Object> params) {
        PreparedStatement prepare(Connection c) throws SQLException {
            return prepare(c, sql);
        }

        /** {@code statement} (this query, or one wrapping it such as EXPLAIN) with this query's parameters set. */
        PreparedStatement prepare(Connection c, String statement) throws SQLException {
            PreparedStatement ps = c.prepareStatement(statement);
            int i = 1;
            for (Object p : params) {
                ps.setObject(i++, p);
            }
            return ps;
        }
    }

    /** The filters on the event itself (alias {@code e}). */
    private static void common(Where w, SearchFilter f) {
        if (f.patient() != null) {
            // Containment of one identifier: served by the GIN index clinical_event_patient_identifiers (V13_1).
            ArrayNode one = Json.MAPPER.createArrayNode();
            one.addObject().put("system", f.patient().system()).put("value", f.patient().value());
            w.and("e.body -> 'patient' -> 'identifiers' @> ?::jsonb", one.toString());
        }
        if (f.eventType() != null) {
            w.and("e.event_type = ?", f.eventType());
        }
        if (f.author() != null) {
            w.and("e.body -> 'author' ->> 'npi' = ?", f.author());
        }
    }

    /** The filters on a write (alias {@code o}). */
    private static void operationFilters(Where w, SearchFilter f) {
        if (f.state() != null) {
            w.and("o.state = ?", f.state().name());
        }
        if (f.target() != null) {
            w.and("o.target = ?", f.target());
        }
        if (f.errorClass() != null) {
            w.and("o.error_class = ?", f.errorClass());
        }
    }

    private static Map<UUID, List<EventSummary.Write>> writes(Connection c, List<UUID> events) throws SQLException {
        Map<UUID, List<EventSummary.Write>> byEvent = new HashMap<>();
        if (events.isEmpty()) {
            return byEvent;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, id, target, state, error_class"
                + " FROM write_operation WHERE event_id = ANY (?) ORDER BY target, part, created_at")) {
            ps.setArray(1, c.createArrayOf("uuid", events.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byEvent.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(
                            new EventSummary.Write(rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                                    rs.getString(5)));
                }
            }
        }
        return byEvent;
    }

    /** A WHERE clause and its parameters, built in order. */
    private static final class Where {
        private final StringBuilder sql;
        private final List<Object> params = new ArrayList<>();

        Where(String first, Object... values) {
            sql = new StringBuilder(first);
            params.addAll(List.of(values));
        }

        void and(String clause, Object... values) {
            sql.append(" AND ").append(clause);
            params.addAll(List.of(values));
        }

        void range(String column, Instant since, Instant until) {
            if (since != null) {
                and(column + " >= ?", Timestamp.from(since));
            }
            if (until != null) {
                and(column + " < ?", Timestamp.from(until));
            }
        }

        /** Rows strictly after the cursor in the order (time DESC, id DESC). */
        void after(String time, String id, SearchCursor cursor) {
            if (cursor != null) {
                and("(" + time + ", " + id + ") < (?, ?)", Timestamp.from(cursor.at()), cursor.id());
            }
        }
    }
}
