package dev.chartbridge.core.adapter;

import java.util.List;
import java.util.UUID;

/**
 * One step of a Provenance operation: the operation itself ({@code write}: its own key, event and, once created,
 * its remote record) and the writes of the same event and target it describes, as the ledger knows them when the
 * step starts.
 */
public record ProvenanceContext(WriteContext write, List<DescribedWrite> described) {
    public ProvenanceContext {
        described = List.copyOf(described);
    }

    /**
     * One write the Provenance describes.
     *
     * @param operationKey the write's identity, stamped on its record as {@code urn:chartbridge:write|key}
     * @param remote       the record in the EHR, with the version the gateway wrote where the EHR versions; null
     *                     when the write is not in the EHR (only ever in shadow mode, where nothing is written)
     */
    public record DescribedWrite(UUID operationId, String resourceType, String operationKey, RemoteRef remote) {
    }
}
