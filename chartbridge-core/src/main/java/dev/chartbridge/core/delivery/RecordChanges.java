package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.Target;

import java.util.UUID;

/**
 * Plans operations that change a record an earlier operation wrote: an amendment's update, or a compensation
 * marking a record entered-in-error. Such an operation starts knowing the record (its EHR id and the version the
 * gateway last saw) and carries the identity stamped on it. It takes its place in the same patient's line as the
 * write it changes. Inserted with {@link OperationStates#insert(java.sql.Connection, Change, OperationState)}, not
 * yet queued (the caller enqueues it with {@link Outbox#enqueue}).
 */
public final class RecordChanges {
    public static final String UPDATE = "update";
    public static final String COMPENSATE = "compensate";
    /**
     * The {@code on_conflict} of an update a reviewer told to apply on the record's current version (review action
     * {@code apply-on-current}): it replaces the policy in force when the change was planned.
     */
    public static final String APPLY_ON_CURRENT = "apply-on-current";

    private RecordChanges() {
    }

    /**
     * One planned change.
     *
     * @param amends     the operation that wrote (or last updated) the record
     * @param recordKey  the identity stamped on the record when it was created
     * @param onConflict {@code merge} or {@code review}: the policy in force when the change was planned (a reviewer
     *                   may later set {@link #APPLY_ON_CURRENT})
     */
    public record Change(UUID id, UUID eventId, String tenantId, Target target, String kind, String operationKey,
                         UUID amends, String recordKey, String resourceType, String remoteId, String remoteVersion,
                         String onConflict) {
    }
}
