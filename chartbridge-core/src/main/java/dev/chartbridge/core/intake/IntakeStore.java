package dev.chartbridge.core.intake;

import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.consent.ConsentRegistry;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.delivery.RecordChanges;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.gate.Gate;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseMode;
import dev.chartbridge.core.secret.RandomIds;
import dev.chartbridge.core.settings.TenantSettings;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The transactional half of intake: the gates that read the database (consent, the record an amendment changes)
 * or the tenant's cached settings (release controls, proven current by the event's insert), then the event, its
 * operations and audit entries in one statement ({@link AcceptedEvent}) and its queue rows in a second, all inside
 * the caller's transaction. Stateless.
 */
final class IntakeStore {
    private IntakeStore() {
    }

    /** One target's writes, with the target's index in the event's {@code targets}. */
    record PlannedTarget(int index, Target target, WritePlan writes) {
    }

    /** Everything intake decided before the transaction. */
    record Submission(String tenantId, String actor, String key, String bodyHash, CanonicalJson.Text canonical,
                      ClinicalEvent event, List<PlannedTarget> plan, TenantPolicy policy, BreakGlassCheck glass,
                      TenantSettings settings) {
        Submission withSettings(TenantSettings fresh) {
            return new Submission(tenantId, actor, key, bodyHash, canonical, event, plan, policy, glass, fresh);
        }
    }

    static IntakeResult store(Connection c, Submission s) throws SQLException {
        ClinicalEvent event = s.event();
        String consentScope = s.policy().requiredConsentScope();
        if (consentScope != null && event.type() != EventType.CONSENT) {
            Optional<String> missing = ConsentRegistry.missingPermit(c, s.tenantId(), event, consentScope);
            if (missing.isPresent()) {
                FieldError refused = s.glass().overrideOrRefuse(Gate.CONSENT, new FieldError("/patient",
                        missing.get()));
                if (refused != null) {
                    return new IntakeResult.Refused(List.of(refused));
                }
            }
        }
        // The tenant's cached settings: a refusal made with them is checked against the database before it is
        // given, an acceptance by the event's insert (AcceptedEvent), so a stale copy decides nothing.
        Map<String, ReleaseControl> controls = s.settings().releaseControls(event.type().wireName());
        List<FieldError> off = new ArrayList<>();
        List<Boolean> shadow = new ArrayList<>();
        for (PlannedTarget p : s.plan()) {
            ReleaseControl control = controls.getOrDefault(p.target().name(),
                    ReleaseControl.live(p.target().name(), event.type().wireName()));
            ReleaseMode mode = control.modeFor(event);
            if (mode == ReleaseMode.OFF) {
                off.add(new FieldError("/targets/" + p.index(), "release control: target " + p.target().name()
                        + " takes no " + event.type().wireName() + " events" + (control.hasAllowlist()
                        ? " from this author or patient (not on the allowlist)" : "") + " (mode off)"));
            }
            shadow.add(mode == ReleaseMode.SHADOW);
        }
        if (!off.isEmpty()) {
            requireCurrent(c, s);
            return new IntakeResult.Refused(off);
        }
        Map<String, Amendments.Earlier> earlier = Map.of();
        if (event.isAmendment()) {
            List<FieldError> errors = new ArrayList<>();
            earlier = Amendments.resolve(c, s.tenantId(), event, errors);
            for (int t = 0; t < s.plan().size(); t++) {
                if (shadow.get(t)) {
                    errors.add(new FieldError("/targets/" + s.plan().get(t).index(), "release control: target "
                            + s.plan().get(t).target().name() + " is in shadow mode for " + event.type().wireName()
                            + " events, and amendments are not rendered in shadow mode"));
                }
            }
            if (!errors.isEmpty()) {
                // The copy decided which targets are live, off or shadow: a current one might have refused instead.
                requireCurrent(c, s);
                return new IntakeResult.InvalidAmendment(errors);
            }
        }
        UUID eventId = RandomIds.uuid();
        boolean held = event.type() == EventType.MEDICATION_CHANGE;
        OperationState initial = held ? OperationState.AWAITING_APPROVAL : OperationState.DUE;
        Planned planned = plan(s, eventId, initial, shadow, earlier);
        List<OperationStates.Planned> newOps = planned.newOps();
        AcceptedEvent.Stored stored = AcceptedEvent.insert(c, s, eventId, planned.operations(), newOps, initial,
                held ? List.of() : planned.orderKeys());
        if (!stored.current()) {
            throw new StaleSettings();
        }
        if (!stored.inserted()) {
            // Another event holds the key: this is a replay (intake no longer looks before), or a concurrent
            // submission of the same key got there first.
            return earlier(c, s.tenantId(), s.key(), s.bodyHash());
        }
        if (stored.operations() < newOps.size()) {
            c.rollback();
            return new IntakeResult.DuplicateContent(holderOf(c, newOps));
        }
        // No active webhook of the tenant takes the notice: the query that would find none is not sent.
        OperationStates.noticeInserted(c, newOps, type -> s.settings().anyWebhookTakes(type, initial.name()));
        if (event.isAmendment()) {
            IntakeResult raced = insertChanges(c, planned, initial);
            if (raced != null) {
                c.rollback();
                return raced;
            }
        }
        if (event.type() == EventType.CONSENT) {
            ConsentRegistry.record(c, s.tenantId(), eventId, event);
        }
        if (!held) {
            // After the acceptance is on record, so a write held behind an earlier one reads in that order.
            if (event.isAmendment()) {
                // An amendment stands in the line of the record it changes (RecordChanges).
                for (int i = 0; i < planned.operations().size(); i++) {
                    Outbox.enqueue(c, planned.operations().get(i).id(), planned.queues().get(i));
                }
            } else {
                Outbox.enqueueNewInLockedLines(c, planned.queueEntries());
            }
        }
        return new IntakeResult.Accepted(eventId, planned.operations(), false);
    }

    /** Thrown, inside the transaction, when the tenant's cached settings were found stale: intake decides again. */
    static final class StaleSettings extends RuntimeException {
        StaleSettings() {
            super("the tenant's settings changed since they were cached", null, false, false);
        }
    }

    private static void requireCurrent(Connection c, Submission s) throws SQLException {
        if (!s.settings().isCurrent(c)) {
            throw new StaleSettings();
        }
    }

    /**
     * The event's operations as planned (ids made here), in the order the acceptance lists them: new writes, or for
     * an amendment the changes of the records it amends; with their queues, the patient lines new writes join
     * (sorted: locks are taken in that order) and their queue entries.
     */
    private record Planned(List<IntakeResult.PlannedOperation> operations, List<OperationStates.Planned> newOps,
                           List<RecordChanges.Change> changes, List<String> queues, List<String> orderKeys,
                           List<Outbox.NewEntry> queueEntries) {
    }

    private static Planned plan(Submission s, UUID eventId, OperationState initial, List<Boolean> shadow,
                                Map<String, Amendments.Earlier> earlier) {
        ClinicalEvent event = s.event();
        String contentBase = OperationKey.contentBase(s.tenantId(), event, s.canonical().member());
        String compensation = s.policy().compensationPolicy(event.type());
        List<IntakeResult.PlannedOperation> operations = new ArrayList<>();
        List<OperationStates.Planned> newOps = new ArrayList<>();
        List<RecordChanges.Change> changes = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        java.util.SortedSet<String> orderKeys = new java.util.TreeSet<>();
        List<Outbox.NewEntry> entries = new ArrayList<>();
        for (int t = 0; t < s.plan().size(); t++) {
            PlannedTarget p = s.plan().get(t);
            UUID opId = RandomIds.uuid();
            if (event.isAmendment()) {
                Amendments.Earlier e = earlier.get(p.target().name());
                changes.add(new RecordChanges.Change(opId, eventId, s.tenantId(), p.target(), RecordChanges.UPDATE,
                        OperationKey.of(contentBase, p.target().name(), 0), e.operationId(), e.recordKey(),
                        e.resourceType(), e.remoteId(), e.remoteVersion(), s.policy().conflictPolicy(event.type())));
                operations.add(new IntakeResult.PlannedOperation(opId, p.target().name(), 0, e.resourceType(),
                        initial.name(), false));
                queues.add(p.target().queue());
                continue;
            }
            String orderKey = OperationKey.orderKey(s.tenantId(), event, p.target().name());
            orderKeys.add(orderKey);
            List<String> types = p.writes().resourceTypes();
            for (int part = 0; part < types.size(); part++) {
                opId = part == 0 ? opId : RandomIds.uuid();
                newOps.add(new OperationStates.Planned(opId, eventId, s.tenantId(), p.target(), part, types.get(part),
                        OperationKey.of(contentBase, p.target().name(), part), orderKey, shadow.get(t),
                        compensation));
                operations.add(new IntakeResult.PlannedOperation(opId, p.target().name(), part, types.get(part),
                        initial.name(), shadow.get(t)));
                queues.add(p.target().queue());
                entries.add(new Outbox.NewEntry(opId, p.target().queue(), s.tenantId(), eventId, orderKey));
            }
        }
        return new Planned(operations, newOps, changes, queues, List.copyOf(orderKeys), entries);
    }

    /** Inserts an amendment's changes of records; null, or the answer when one was amended by another just now. */
    private static IntakeResult insertChanges(Connection c, Planned planned, OperationState initial)
            throws SQLException {
        for (RecordChanges.Change change : planned.changes()) {
            if (!OperationStates.insert(c, change, initial)) {
                return new IntakeResult.InvalidAmendment(List.of(new FieldError("/amends",
                        "its write to " + change.target().name() + " was amended by another event just now")));
            }
        }
        return null;
    }

    /** The event that already holds the content of one of these operations (read after the rollback). */
    private static UUID holderOf(Connection c, List<OperationStates.Planned> ops) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT event_id FROM write_operation"
                + " WHERE tenant_id = ? AND target = ? AND operation_key = ?")) {
            for (OperationStates.Planned op : ops) {
                q.setString(1, op.tenantId());
                q.setString(2, op.target().name());
                q.setString(3, op.operationKey());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return rs.getObject(1, UUID.class);
                    }
                }
            }
        }
        throw new IllegalStateException("an operation of the event was not inserted, and no event holds its content");
    }

    /**
     * The answer to an event stored earlier under this key: the original acceptance (a replay) when the body is the
     * same, {@link IntakeResult.KeyReused} when it differs; null when nothing is stored under the key.
     */
    static IntakeResult earlier(Connection c, String tenantId, String key, String bodyHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.id, e.body_hash, e.event_type FROM clinical_event e"
                + " WHERE e.tenant_id = ? AND e.idempotency_key = ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                UUID id = rs.getObject(1, UUID.class);
                if (!rs.getString(2).equals(bodyHash)) {
                    return new IntakeResult.KeyReused(id);
                }
                OperationState initial = EventType.MEDICATION_CHANGE.wireName().equals(rs.getString(3))
                        ? OperationState.AWAITING_APPROVAL : OperationState.DUE;
                return new IntakeResult.Accepted(id, operationsOf(c, id, initial), true);
            }
        }
    }

    /** The event's operations as they were planned at acceptance (the state they were stored in). */
    private static List<IntakeResult.PlannedOperation> operationsOf(Connection c, UUID eventId,
                                                                    OperationState initial) throws SQLException {
        List<IntakeResult.PlannedOperation> ops = new ArrayList<>();
        // In the order the acceptance listed them: by the target's place in the event's targets, then part.
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, o.target, o.part, o.resource_type, o.shadow"
                + " FROM write_operation o JOIN clinical_event e ON e.id = o.event_id"
                + " LEFT JOIN LATERAL (SELECT min(t.ord) AS ord FROM jsonb_array_elements_text(e.body -> 'targets')"
                + " WITH ORDINALITY AS t(name, ord) WHERE t.name = o.target) listed ON true"
                + " WHERE o.event_id = ? ORDER BY listed.ord, o.target, o.part")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ops.add(new IntakeResult.PlannedOperation(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getInt(3), rs.getString(4), initial.name(), rs.getBoolean(5)));
                }
            }
        }
        return ops;
    }
}
