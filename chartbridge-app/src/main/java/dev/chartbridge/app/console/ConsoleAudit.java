package dev.chartbridge.app.console;

import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.util.Map;
import java.util.UUID;

/**
 * Audits every view of the console that shows patient data, as {@code console.viewed} with the page and the
 * event (ids and filter names only, never the identifiers searched for). One method, so that the gateway's shared
 * hook for audited PHI reads can take its place in one line. Thread-safe.
 */
final class ConsoleAudit {
    private final Jdbc jdbc;

    ConsoleAudit(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param page    which view: {@code event-timeline}, {@code event-search}, {@code review-queue}
     * @param eventId the event shown, or null for a list
     * @param facts   ids, counts and filter names; no clinical content
     */
    void viewed(ConsoleSessions.Session who, String page, UUID eventId, Map<String, Object> facts) {
        Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("page", page);
        detail.putAll(facts);
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(detail);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("audit details always serialize", e);
        }
        jdbc.inTransaction(c -> {
            AuditLog.append(c, who.tenantId(), who.actor(), "console.viewed", eventId, null, json);
            return null;
        });
    }

    /** A sign-in or sign-out: who, with which key. */
    void session(ConsoleSessions.Session who, String action) {
        jdbc.inTransaction(c -> {
            AuditLog.append(c, who.tenantId(), who.actor(), action, null, null, "{}");
            return null;
        });
    }
}
