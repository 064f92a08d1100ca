package dev.chartbridge.core.adapter;

import java.util.List;

/**
 * What happened when an adapter tried to update a record: either an ordinary send outcome ({@link Sent}: the
 * update was taken, refused, may be retried, or its outcome is unknown), or a {@link Conflict} with both sides.
 */
public sealed interface UpdateOutcome {

    /**
     * The update was sent and answered (or not) like any write: {@link SendOutcome.Created} carries the record
     * with its new version.
     */
    record Sent(SendOutcome outcome) implements UpdateOutcome {
    }

    /**
     * The record changed since the gateway last wrote it (409/412 on a versioned vendor; a read showing other
     * content on an unversioned one) and the policy does not allow merging these changes. Nothing was written.
     *
     * @param localFields   the fields the gateway meant to change
     * @param remoteFields  the fields changed in the EHR since the gateway's last write (empty when unknown)
     * @param localIntent   the record as the gateway meant to write it (vendor's format, e.g. FHIR JSON)
     * @param remoteVersion the version the EHR holds now, where it versions
     * @param remoteContent the record as the EHR holds it now; null when it could not be read
     */
    record Conflict(VendorError error, List<String> localFields, List<String> remoteFields, String localIntent,
                    String remoteVersion, String remoteContent, Exchange exchange) implements UpdateOutcome {
    }
}
