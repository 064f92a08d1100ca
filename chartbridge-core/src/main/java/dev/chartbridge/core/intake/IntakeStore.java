package dev.chartbridge.core.intake;

import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.common.RandomIds;
import dev.chartbridge.core.consent.ConsentRegistry;
import dev.chartbridge.core.delivery.OperationStates;
import dev.chartbridge.core.delivery.Outbox;
import dev.chartbridge.core.delivery.RecordChanges;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.gate.Gate;
import dev.chartbridge.core.json.CanonicalJson;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseMode;
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
 * or the tenant's cached settings (release controls, proven current by the event's insert), then the events, their
 * operations and audit entries in one statement ({@link AcceptedEvents}) and their queue rows in a second, all inside
 * the caller's transaction; for one event ({@link #store}) or for a group of events committed together
 * ({@link #storeGroup}). Stateless.
 */
final class IntakeStore {
    private IntakeStore() {
    }

    /** One target's writes, with the target's index in the event's {@code targets}. */
    record PlannedTarget(int index, Target target, WritePlan writes) {
    }

    /**
     * Everything intake decided before the transaction.
     *
     * @param traceparent the trace the event was submitted under (stored with it; null for none)
     */
    record Submission(String tenantId, String actor, String key, String bodyHash, CanonicalJson.Text canonical,
                      ClinicalEvent event, List<PlannedTarget> plan, TenantPolicy policy, BreakGlassCheck glass,
                      TenantSettings settings, String traceparent) {
        Submission withSettings(TenantSettings fresh) {
            return new Submission(tenantId, actor, key, bodyHash, canonical, event, plan, policy, glass, fresh,
                    traceparent);
        }
    }

    static IntakeResult store(Connection c, Submission s) throws SQLException {
        Gated gated = gate(c, s);
        if (gated.refusal() != null) {
            if (gated.decidedByCopy()) {
                // The copy decided which targets are live, off or shadow: a current one might have answered otherwise.
                requireCurrent(c, s);
            }
            return gated.refusal();
        }
        Prepared p = gated.prepared();
        AcceptedEvents.Stored stored = AcceptedEvents.insert(c, List.of(p.accepting()));
        if (!stored.current()) {
            throw new StaleSettings();
        }
        if (!stored.inserted().contains(p.eventId())) {
            // Another event holds the key: this is a replay (intake no longer looks before), or a concurrent
            // submission of the same key got there first.
            return earlier(c, s.tenantId(), s.key(), s.bodyHash());
        }
        if (!stored.allOperationsOf(p.accepting())) {
            c.rollback();
            return new IntakeResult.DuplicateContent(holderOf(c, p.planned().newOps()));
        }
        recordInserted(c, p);
        if (s.event().isAmendment()) {
            IntakeResult raced = insertChanges(c, p.planned(), p.initial());
            if (raced != null) {
                c.rollback();
                return raced;
            }
        }
        if (!p.held()) {
            // After the acceptance is on record, so a write held behind an earlier one reads in that order.
            if (s.event().isAmendment()) {
                // An amendment stands in the line of the record it changes (RecordChanges).
                for (int i = 0; i < p.planned().operations().size(); i++) {
                    Outbox.enqueue(c, p.planned().operations().get(i).id(), p.planned().queues().get(i));
                }
            } else {
                Outbox.enqueueNewInLockedLines(c, p.planned().queueEntries());
            }
        }
        return new IntakeResult.Accepted(p.eventId(), p.planned().operations(), false);
    }

    /**
     * Stores a group of submissions, none an amendment, in the caller's transaction: one statement inserts them all,
     * one more queues all their writes. Returns each one's answer, in the group's order, the one {@link #store} would
     * give it alone: a gate's refusal (one made with a cached copy of settings only once the copy is found current),
     * the earlier event's answer for an event whose key another holds, or its acceptance.
     *
     * @throws GroupAbandoned when the group cannot be stored together: a copy of settings was stale, or some content
     *                        is held by another event (perhaps one of this group); the caller rolls the transaction back
     *                        and stores each submission alone, where each gets its own answer
     */
    static List<IntakeResult> storeGroup(Connection c, List<Submission> group) throws SQLException {
        List<IntakeResult> answers = new ArrayList<>(java.util.Collections.nCopies(group.size(), null));
        List<Integer> places = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i).event().isAmendment()) {
                throw new IllegalArgumentException("an amendment is stored alone");
            }
            Gated gated = gate(c, group.get(i));
            if (gated.refusal() != null) {
                // Answered here, as store would answer it alone: a refusal made with the settings copy only once the
                // copy is found current (the group's insert proves nothing for an event it does not insert).
                if (gated.decidedByCopy() && !group.get(i).settings().isCurrent(c)) {
                    throw new GroupAbandoned("stale-settings");
                }
                answers.set(i, gated.refusal());
            } else {
                places.add(i);
                prepared.add(gated.prepared());
            }
        }
        if (prepared.isEmpty()) {
            return answers;
        }
        AcceptedEvents.Stored stored = AcceptedEvents.insert(c, prepared.stream().map(Prepared::accepting).toList());
        if (!stored.current()) {
            throw new GroupAbandoned("stale-settings");
        }
        List<Outbox.NewEntry> queueEntries = new ArrayList<>();
        for (int j = 0; j < prepared.size(); j++) {
            Prepared p = prepared.get(j);
            Submission s = p.submission();
            if (!stored.inserted().contains(p.eventId())) {
                IntakeResult earlier = earlier(c, s.tenantId(), s.key(), s.bodyHash());
                if (earlier == null) {
                    throw new GroupAbandoned("key-taken-unheld");
                }
                answers.set(places.get(j), earlier);
                continue;
            }
            if (!stored.allOperationsOf(p.accepting())) {
                throw new GroupAbandoned("content-held");
            }
            recordInserted(c, p);
            if (!p.held()) {
                queueEntries.addAll(p.planned().queueEntries());
            }
            answers.set(places.get(j), new IntakeResult.Accepted(p.eventId(), p.planned().operations(), false));
        }
        // In the group's order: an event's write behind an earlier one of the same group and line waits for it.
        Outbox.enqueueNewInLockedLines(c, queueEntries);
        return answers;
    }

    /**
     * Thrown inside the transaction when a group cannot be stored together (see {@link #storeGroup}); its message is
     * a short code of why: {@code stale-settings}, {@code content-held}, {@code key-taken-unheld}.
     */
    static final class GroupAbandoned extends RuntimeException {
        GroupAbandoned(String reason) {
            super(reason, null, false, false);
        }
    }

    /** What the gates said: a refusal (perhaps decided with the settings copy), or the event planned to insert. */
    private record Gated(IntakeResult refusal, boolean decidedByCopy, Prepared prepared) {
        static Gated refused(IntakeResult refusal, boolean decidedByCopy) {
            return new Gated(refusal, decidedByCopy, null);
        }
    }

    /** An event past the gates, planned, with the state its writes start in. */
    private record Prepared(Submission submission, UUID eventId, Planned planned, OperationState initial) {
        boolean held() {
            return initial == OperationState.AWAITING_APPROVAL;
        }

        AcceptedEvents.Accepting accepting() {
            return new AcceptedEvents.Accepting(submission, eventId, planned.operations(), planned.newOps(),
                    held() ? List.of() : planned.orderKeys());
        }
    }

    /** The gates that read the database or the settings copy; nothing is written. */
    private static Gated gate(Connection c, Submission s) throws SQLException {
        ClinicalEvent event = s.event();
        String consentScope = s.policy().requiredConsentScope();
        if (consentScope != null && event.type() != EventType.CONSENT) {
            Optional<String> missing = ConsentRegistry.missingPermit(c, s.tenantId(), event, consentScope);
            if (missing.isPresent()) {
                FieldError refused = s.glass().overrideOrRefuse(Gate.CONSENT, new FieldError("/patient",
                        missing.get()));
                if (refused != null) {
                    return Gated.refused(new IntakeResult.Refused(List.of(refused)), false);
                }
            }
        }
        // The tenant's cached settings: a refusal made with them is checked against the database before it is
        // given, an acceptance by the event's insert (AcceptedEvents), so a stale copy decides nothing.
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
            return Gated.refused(new IntakeResult.Refused(off), true);
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
                return Gated.refused(new IntakeResult.InvalidAmendment(errors), true);
            }
        }
        UUID eventId = RandomIds.uuid();
        OperationState initial = event.type() == EventType.MEDICATION_CHANGE ? OperationState.AWAITING_APPROVAL
                : OperationState.DUE;
        return new Gated(null, false, new Prepared(s, eventId, plan(s, eventId, initial, shadow, earlier), initial));
    }

    /**
     * What every inserted event records beside its operations, in its transaction: their notices and a consent's
     * entry in the registry. An amendment's changes of records come after, in {@link #store} (amendments are never
     * grouped).
     */
    private static void recordInserted(Connection c, Prepared p) throws SQLException {
        Submission s = p.submission();
        // No active webhook of the tenant takes the notice: the query that would find none is not sent.
        OperationStates.noticeInserted(c, p.planned().newOps(),
                type -> s.settings().anyWebhookTakes(type, p.initial().name()));
        if (s.event().type() == EventType.CONSENT) {
            ConsentRegistry.record(c, s.tenantId(), p.eventId(), s.event());
        }
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
                        compensation, initial));
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
