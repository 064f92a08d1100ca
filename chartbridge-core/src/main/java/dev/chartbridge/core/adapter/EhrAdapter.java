package dev.chartbridge.core.adapter;

import dev.chartbridge.core.event.ClinicalEvent;

/**
 * One EHR connection's way of taking writes: it owns auth, mapping into what the vendor accepts, error
 * normalization and the means of finding an earlier write. Every expected EHR answer comes back as an outcome;
 * an adapter throws only for bugs. Implementations must be thread-safe: the delivery engine calls them from many
 * threads at once.
 */
public interface EhrAdapter {

    /** The vendor name, e.g. {@code fhir-r4}, {@code epic}. */
    String vendor();

    /** Decides at intake whether and how this target takes the event. Pure: no I/O. */
    WritePlan plan(ClinicalEvent event);

    /** Sends the write once. Never retries a create by itself. */
    SendOutcome send(WriteContext write);

    /**
     * Prepares the write exactly as {@link #send} would (the same lookups, the same mapping) and returns the
     * request instead of sending it: for writes in shadow mode. May read from the EHR (patient and encounter
     * lookups, a token); never writes to it.
     */
    RenderOutcome render(WriteContext write);

    /** Looks for what an earlier send of this write left in the EHR, by the strongest means the vendor offers. */
    FindOutcome find(WriteContext write);

    /** Reads back {@code write.remote()} and compares its critical fields with the event. */
    VerifyOutcome verify(WriteContext write);

    /**
     * Re-reads {@code write.remote()} long after it was verified, by the same read as {@link #verify}, and
     * describes what stands in the EHR now (for read-back watching). One call to the EHR at most, plus what
     * resolving the patient takes; never writes.
     */
    ReadBack readBack(WriteContext write);

    /**
     * Decides at intake whether this target can change the record an earlier event of the same type wrote, as
     * {@code amendment} asks. Pure: no I/O. By default a vendor takes no updates.
     */
    default WritePlan planUpdate(ClinicalEvent amendment) {
        return WritePlan.refused(vendor() + " takes no updates through ChartBridge");
    }

    /**
     * Changes the record once: with the stored version where the vendor versions ({@code If-Match}), else by
     * reading it, comparing it with what the gateway last wrote, and writing only when nothing else changed.
     */
    default UpdateOutcome update(UpdateContext update) {
        return new UpdateOutcome.Sent(new SendOutcome.Rejected(VendorError.of(ErrorClass.UNSUPPORTED,
                vendor() + " takes no updates"), Exchange.none()));
    }

    /**
     * After an update whose outcome is unknown, reads the record: {@link FindOutcome.Found} (with its current
     * version) when it already shows the intended change, {@link FindOutcome.Absent} when it does not.
     */
    default FindOutcome findUpdate(UpdateContext update) {
        return new FindOutcome.Undetermined(VendorError.of(ErrorClass.UNSUPPORTED, vendor() + " takes no updates"),
                Exchange.none());
    }

    /** Reads the updated record back and checks that the fields the update changed read as intended. */
    default VerifyOutcome verifyUpdate(UpdateContext update) {
        return new VerifyOutcome.Undetermined(VendorError.of(ErrorClass.UNSUPPORTED, vendor() + " takes no updates"),
                Exchange.none());
    }

    /**
     * Checks the connection by the vendor's cheapest harmless call (a FHIR server's {@code /metadata}) and, where
     * the vendor takes one, by getting a token; called at start and periodically, never from a write. Never
     * writes, never reads patient data; one or two calls at most. By default an adapter is not checked.
     */
    default ConnectionCheck check() {
        return ConnectionCheck.unchecked(vendor() + " has no connection check; its health shows in its writes");
    }

    /**
     * Checks the connection live and in detail, item by item, for an operator ({@code chartbridge check}): by
     * default the one item of {@link #check()}. An adapter that can say more (the server's published capabilities
     * against its profile, the scopes granted, a harmless read of a configured test patient) overrides this. Never
     * writes; a handful of calls at most; called on demand, never from a write.
     */
    default CheckReport inspect() {
        return CheckReport.of(check());
    }
}
