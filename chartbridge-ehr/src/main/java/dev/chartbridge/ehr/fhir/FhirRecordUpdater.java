package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.json.Json;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.function.Supplier;

/**
 * Changes a FHIR record the gateway wrote earlier, exactly once and never over someone else's edit unseen.
 * Versioned servers get {@code PUT} with {@code If-Match: W/"<the version the gateway last saw>"}; a 409 or 412
 * means the record moved on. Unversioned servers are read first and the record compared with what the gateway
 * wrote (read, compare, write; the window between the read and the write is unguarded there). When the record
 * changed, the update merges (the gateway's fields applied on top of the current record, sent with its version)
 * if the policy allows and the two changes touch different fields, else it is a conflict with both sides.
 * Thread-safe.
 */
final class FhirRecordUpdater {

    /** How a call reaches the server (e.g. through a bearer token refreshed once on 401). */
    interface Calls {
        <T> T call(Supplier<T> call);
    }

    /** Marks a conflict found by reading the record (unversioned), not by a refused PUT. */
    private static final Exchange READ = Exchange.none();

    private final FhirServer server;
    private final Calls calls;
    private final boolean versioned;

    FhirRecordUpdater(FhirServer server, Calls calls, boolean versioned) {
        this.server = server;
        this.calls = calls;
        this.versioned = versioned;
    }

    /** The record as the gateway means it to read: rendered from the event, or the current one marked. */
    private record Intent(ObjectNode mine, List<String> fields) {
    }

    UpdateOutcome update(UpdateContext u, String patientId, String encounterId) {
        RemoteRef remote = u.remote();
        if (remote == null || remote.id() == null) {
            // Nothing to send to: the record this update changes is not known (a bug upstream); never a send.
            return new UpdateOutcome.Sent(new SendOutcome.Rejected(VendorError.of(ErrorClass.INVALID,
                    "the record this update changes is not known"), Exchange.none()));
        }
        ObjectNode base = render(u, u.base(), patientId, encounterId);
        if (u.intent() == UpdateContext.Intent.APPLY_ON_CURRENT) {
            return applyOnCurrent(u, base, patientId, encounterId);
        }
        if (u.intent() == UpdateContext.Intent.ENTERED_IN_ERROR || !versioned || remote.version() == null) {
            Current current = read(remote);
            if (current.error() != null) {
                return new UpdateOutcome.Sent(current.error());
            }
            Intent intent = intent(u, base, current.json(), patientId, encounterId);
            List<String> theirs = RecordDiff.changed(base, current.json());
            if (u.intent() == UpdateContext.Intent.ENTERED_IN_ERROR || theirs.isEmpty()) {
                return new UpdateOutcome.Sent(put(remote, intent.mine(), versioned ? current.version() : null));
            }
            return changedRemotely(u, intent, current, theirs, READ);
        }
        Current kept = null;
        if (u.base().isAmendment() && CreationTime.field(u.resourceType()) != null) {
            // The base amended the record already: when the record was made is read from the EHR, not re-derived.
            kept = read(remote);
            if (kept.error() != null) {
                return new UpdateOutcome.Sent(kept.error());
            }
        }
        Intent intent = intent(u, base, kept == null ? null : kept.json(), patientId, encounterId);
        SendOutcome sent = put(remote, intent.mine(), remote.version());
        if (!(sent instanceof SendOutcome.Conflict)) {
            return new UpdateOutcome.Sent(sent);
        }
        Current current = read(remote);
        if (current.error() != null) {
            return new UpdateOutcome.Sent(current.error());
        }
        return changedRemotely(u, intent, current, RecordDiff.changed(base, current.json()), sent.exchange());
    }

    /**
     * A reviewer's decision: the gateway's changed fields go on top of the record's current version, which must
     * still be the one the reviewer was shown ({@code remote}'s version); the EHR's other changes are kept. A
     * record that moved on since, or a refused {@code If-Match}, is a conflict again with both sides.
     */
    private UpdateOutcome applyOnCurrent(UpdateContext u, ObjectNode base, String patientId, String encounterId) {
        Current current = read(u.remote());
        if (current.error() != null) {
            return new UpdateOutcome.Sent(current.error());
        }
        Intent intent = intent(u, base, current.json(), patientId, encounterId);
        List<String> theirs = RecordDiff.changed(base, current.json());
        if (versioned && u.remote().version() != null && !u.remote().version().equals(current.version())) {
            return conflict(intent, current, theirs, "the record moved on since the reviewer saw version "
                    + u.remote().version(), READ, u);
        }
        ObjectNode merged = RecordDiff.merge(current.json(), intent.mine(), intent.fields());
        SendOutcome sent = put(u.remote(), merged, versioned ? current.version() : null);
        if (!(sent instanceof SendOutcome.Conflict)) {
            return new UpdateOutcome.Sent(sent);
        }
        Current now = read(u.remote());
        if (now.error() != null) {
            return new UpdateOutcome.Sent(now.error());
        }
        return conflict(intent, now, RecordDiff.changed(base, now.json()), "the record moved on again while the"
                + " reviewer's decision was applied", sent.exchange(), u);
    }

    private static UpdateOutcome.Conflict conflict(Intent intent, Current current, List<String> theirs, String why,
                                                   Exchange found, UpdateContext u) {
        return new UpdateOutcome.Conflict(new VendorError(ErrorClass.CONFLICT, null, why), intent.fields(), theirs,
                Json.canonical(intent.mine()), current.version(), Json.canonical(current.json()),
                found == READ ? new Exchange("GET " + u.resourceType() + "/{id}", null, 200) : found);
    }

    /** Someone changed the record since the gateway's write: merge when allowed and disjoint, else conflict. */
    private UpdateOutcome changedRemotely(UpdateContext u, Intent intent, Current current, List<String> theirs,
                                          Exchange found) {
        boolean overlap = theirs.stream().anyMatch(intent.fields()::contains);
        if (u.mayMerge() && !overlap && !theirs.isEmpty()) {
            ObjectNode merged = RecordDiff.merge(current.json(), intent.mine(), intent.fields());
            SendOutcome sent = put(u.remote(), merged, versioned ? current.version() : null);
            if (!(sent instanceof SendOutcome.Conflict)) {
                return new UpdateOutcome.Sent(sent);
            }
        }
        String why = theirs.isEmpty() ? "the record's version moved on" : overlap
                ? "the EHR changed the same fields" : u.mayMerge() ? "the record moved on again while merging"
                : "this event type's changes are reviewed, never merged";
        return conflict(intent, current, theirs, why, found, u);
    }

    /** After an unknown outcome: the update landed when the record shows every field it changes. */
    FindOutcome find(UpdateContext u, String patientId, String encounterId) {
        Current current = read(u.remote());
        if (current.error() != null) {
            return new FindOutcome.Undetermined(errorOf(current.error()), current.error().exchange());
        }
        Exchange ok = new Exchange("GET " + u.resourceType() + "/{id}", null, 200);
        return landed(u, current, patientId, encounterId)
                ? new FindOutcome.Found(new RemoteRef(u.resourceType(), u.remote().id(), current.version()), ok)
                : new FindOutcome.Absent(ok);
    }

    VerifyOutcome verify(UpdateContext u, String patientId, String encounterId) {
        Current current = read(u.remote());
        if (current.error() != null) {
            return new VerifyOutcome.Undetermined(errorOf(current.error()), current.error().exchange());
        }
        Exchange ok = new Exchange("GET " + u.resourceType() + "/{id}", null, 200);
        // What read-back watching compares later re-reads with: the record as this update left it.
        ReadBack.Present seen = FhirRecordState.of(current.resource(), ok);
        if (landed(u, current, patientId, encounterId)) {
            return new VerifyOutcome.Verified(ok, seen);
        }
        ObjectNode base = render(u, u.base(), patientId, encounterId);
        Intent intent = intent(u, base, current.json(), patientId, encounterId);
        return new VerifyOutcome.Modified(intent.fields().stream()
                .filter(f -> !RecordDiff.shows(intent.mine(), current.json(), List.of(f))).toList(), ok, seen);
    }

    private boolean landed(UpdateContext u, Current current, String patientId, String encounterId) {
        ObjectNode base = render(u, u.base(), patientId, encounterId);
        Intent intent = intent(u, base, current.json(), patientId, encounterId);
        return RecordDiff.shows(intent.mine(), current.json(), intent.fields());
    }

    private static Intent intent(UpdateContext u, ObjectNode base, ObjectNode current, String patientId,
                                 String encounterId) {
        if (u.intent() == UpdateContext.Intent.ENTERED_IN_ERROR) {
            ObjectNode marked = current.deepCopy();
            return new Intent(marked, List.of(RecordDiff.markEnteredInError(marked)));
        }
        ObjectNode mine = render(u, u.event(), patientId, encounterId);
        // An amendment names clinical content only: when the record was made stays as it is in the EHR (the
        // current record's when read, else the base's, which is the original write's unless the base amended it).
        CreationTime.keep(u.resourceType(), mine, current != null ? current : base);
        return new Intent(mine, RecordDiff.changed(base, mine));
    }

    private static ObjectNode render(UpdateContext u, dev.chartbridge.core.event.ClinicalEvent event,
                                     String patientId, String encounterId) {
        var write = new dev.chartbridge.core.adapter.WriteContext(u.operationId(), u.recordKey(), u.tenantId(),
                u.target(), event, u.part(), u.resourceType(), u.remote());
        ObjectNode json = RecordDiff.json(FhirR4Mapping.render(write, patientId, encounterId));
        json.put("id", u.remote().id());
        return json;
    }

    private static VendorError errorOf(SendOutcome failedRead) {
        return failedRead instanceof SendOutcome.Rejected r ? r.error() : ((SendOutcome.Retryable) failedRead).error();
    }

    /** The record as read: its JSON for comparing fields, its version, the resource itself; or why not read. */
    private record Current(ObjectNode json, String version, SendOutcome error, Resource resource) {
    }

    private Current read(RemoteRef remote) {
        try {
            IBaseResource r = calls.call(() -> server.client().read().resource(remote.resourceType())
                    .withId(remote.id()).execute());
            String version = r.getIdElement().getVersionIdPart() != null ? r.getIdElement().getVersionIdPart()
                    : r.getMeta().getVersionId();
            return new Current(RecordDiff.json((Resource) r), version, null, (Resource) r);
        } catch (RuntimeException e) {
            Exchange failed = new Exchange("GET " + remote.resourceType() + "/{id}", null, FhirOutcomes.status(e));
            VendorError error = FhirOutcomes.error(e);
            // Nothing was sent yet: a failed read is retried, never an unknown outcome.
            return new Current(null, null, error.errorClass() == ErrorClass.NOT_FOUND
                    || error.errorClass() == ErrorClass.FORBIDDEN ? new SendOutcome.Rejected(error, failed)
                    : new SendOutcome.Retryable(FhirOutcomes.retryAfter(e), error, failed).unsent(), null);
        }
    }

    private SendOutcome put(RemoteRef remote, ObjectNode record, String ifMatchVersion) {
        String body = record.toString();
        Exchange sent = new Exchange("PUT " + remote.resourceType() + "/{id}", Json.sha256(body), 0);
        try {
            MethodOutcome outcome = calls.call(() -> {
                var update = server.client().update().resource(body)
                        .withId(new IdType(remote.resourceType(), remote.id()));
                if (ifMatchVersion != null) {
                    update = update.withAdditionalHeader("If-Match", "W/\"" + ifMatchVersion + "\"");
                }
                return update.execute();
            });
            int status = outcome.getResponseStatusCode() > 0 ? outcome.getResponseStatusCode() : 200;
            String version = FhirOutcomes.updatedVersion(outcome);
            return new SendOutcome.Created(version == null ? remote : new RemoteRef(remote.resourceType(),
                    remote.id(), version), new Exchange(sent.request(), sent.requestDigest(), status));
        } catch (RuntimeException e) {
            return FhirOutcomes.ofSend(e, sent);
        }
    }
}
