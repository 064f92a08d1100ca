package dev.chartbridge.core.adapter;

import dev.chartbridge.core.event.ClinicalEvent;

import java.util.UUID;

/**
 * Everything an adapter needs to change a record the gateway wrote earlier.
 *
 * @param recordKey the identity stamped on the record when it was created ({@code urn:chartbridge:write|recordKey})
 * @param event     the event whose content the record must show afterwards (the amendment; for a compensation,
 *                  the event that wrote the record)
 * @param base      the event the record was last written from: the gateway's side of "what changed since"
 * @param remote    the record, with the version the gateway last wrote or verified (null where unversioned)
 * @param intent    what the update does to the record
 * @param mayMerge  on a conflict, the gateway's changes may be applied on top of the remote ones when the two
 *                  touched different fields (the event type's policy); otherwise every conflict goes to review
 */
public record UpdateContext(UUID operationId, String recordKey, String tenantId, String target,
                            ClinicalEvent event, ClinicalEvent base, int part, String resourceType, RemoteRef remote,
                            Intent intent, boolean mayMerge) {

    /** What an update does to the record. */
    public enum Intent {
        /** Make the record show {@code event}'s content (an amendment). */
        AMEND,
        /** Mark the record entered-in-error (compensation of a partial fan-out); nothing is deleted. */
        ENTERED_IN_ERROR,
        /**
         * A reviewer's decision on a conflict: apply {@code event}'s changes (the fields it changes from
         * {@code base}) on top of the record's current version, which must still be {@code remote}'s version (else
         * it is a conflict again); the EHR's other changes are kept.
         */
        APPLY_ON_CURRENT
    }

    /** The same write seen as a create context, for the mapping and verification code that take one. */
    public WriteContext asWrite() {
        return new WriteContext(operationId, recordKey, tenantId, target, event, part, resourceType, remote);
    }
}
