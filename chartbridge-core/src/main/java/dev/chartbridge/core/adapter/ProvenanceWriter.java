package dev.chartbridge.core.adapter;

/**
 * What an adapter implements, next to {@link EhrAdapter}, when its EHR keeps a Provenance: the attribution of an
 * AI-assisted event's writes (the attesting clinician, the model and prompt, the source transcript), sent as its
 * own operation of resource type {@link #RESOURCE_TYPE} after the writes it describes. The engine calls these
 * instead of the {@link EhrAdapter} methods of the same name for such an operation, only once every described
 * write is in the EHR (in shadow mode: always, since nothing is written). The same rules hold as for any write:
 * the create is made once, an unknown outcome is found by the gateway's marker before anything is resent, and the
 * stored Provenance is read back. Implementations must be thread-safe.
 */
public interface ProvenanceWriter {
    /** The resource type of a Provenance operation. */
    String RESOURCE_TYPE = "Provenance";

    SendOutcome sendProvenance(ProvenanceContext provenance);

    RenderOutcome renderProvenance(ProvenanceContext provenance);

    FindOutcome findProvenance(ProvenanceContext provenance);

    VerifyOutcome verifyProvenance(ProvenanceContext provenance);
}
