package dev.chartbridge.core.consent;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.ConsentPayload;
import dev.chartbridge.core.event.Identifier;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Patients' consent decisions per tenant, fed by accepted {@code consent} events, and the check a tenant can
 * require before any other write for a patient: the newest active decision for the scope, covering the event's
 * date, must be a permit. Works inside the caller's transaction. Stateless and thread-safe.
 */
public final class ConsentRegistry {
    private ConsentRegistry() {
    }

    /** Records an accepted consent event under each of the patient's identifiers. */
    public static void record(Connection c, String tenantId, UUID eventId, ClinicalEvent event) throws SQLException {
        ConsentPayload consent = (ConsentPayload) event.payload();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO consent_record (tenant_id, patient_token, scope,"
                + " decision, status, period_start, period_end, jurisdiction, event_id, occurred_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Identifier id : event.patientIdentifiers()) {
                ps.setString(1, tenantId);
                ps.setString(2, id.token());
                ps.setString(3, consent.scope());
                ps.setString(4, consent.decision());
                ps.setString(5, consent.status());
                ps.setDate(6, Date.valueOf(consent.periodStart()));
                ps.setDate(7, consent.periodEnd() == null ? null : Date.valueOf(consent.periodEnd()));
                ps.setString(8, consent.jurisdiction());
                ps.setObject(9, eventId);
                ps.setTimestamp(10, Timestamp.from(event.occurredAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Why the event may not be written for lack of consent, or empty when a permit covers it. */
    public static Optional<String> missingPermit(Connection c, String tenantId, ClinicalEvent event, String scope)
            throws SQLException {
        LocalDate day = event.occurredAt().atZone(ZoneOffset.UTC).toLocalDate();
        try (PreparedStatement ps = c.prepareStatement("SELECT decision FROM consent_record"
                + " WHERE tenant_id = ? AND patient_token = ANY (?) AND scope = ? AND status = 'active'"
                + " AND period_start <= ? AND (period_end IS NULL OR period_end >= ?)"
                + " ORDER BY occurred_at DESC, id DESC LIMIT 1")) {
            ps.setString(1, tenantId);
            ps.setArray(2, c.createArrayOf("text",
                    event.patientIdentifiers().stream().map(Identifier::token).toArray()));
            ps.setString(3, scope);
            ps.setDate(4, Date.valueOf(day));
            ps.setDate(5, Date.valueOf(day));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.of("no active " + scope + " consent is on record for this patient");
                }
                return "permit".equals(rs.getString(1)) ? Optional.empty()
                        : Optional.of("the patient's latest " + scope + " consent denies it");
            }
        }
    }
}
