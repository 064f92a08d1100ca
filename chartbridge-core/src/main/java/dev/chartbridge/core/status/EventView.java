package dev.chartbridge.core.status;

import dev.chartbridge.core.adapter.RenderedRequest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the gateway knows about one event: its derived status, each write per target, and its timeline. */
public record EventView(UUID id, String tenantId, String type, Instant acceptedAt, String status,
                        List<OperationView> operations, List<TimelineEntry> timeline) {

    /**
     * One write of the event to one target, with every attempt made.
     *
     * @param shadow   planned in shadow mode (release controls): rendered, never sent
     * @param rendered for a shadowed write, the request it would have sent; null otherwise
     * @param kind     {@code create}, {@code update} (an amendment of an earlier event's record) or
     *                 {@code compensate} (marking a sibling's record entered-in-error after a partial fan-out)
     * @param amends   for an update or compensation, the operation whose record it changes; null for a create
     */
    public record OperationView(UUID id, String target, String vendor, int part, String resourceType, String state,
                                String remoteId, String remoteVersion, int sends, String errorClass,
                                String errorDetail, boolean shadow, RenderedRequest rendered,
                                List<AttemptView> attempts, List<RemoteChangeView> remoteChanges, String kind,
                                UUID amends) {
    }

    /** What read-back found changed in the EHR after the write: {@code amended}, {@code status-changed}, {@code deleted}. */
    public record RemoteChangeView(Instant detectedAt, String change, String previousVersion, String version,
                                   String previousStatus, String status) {
    }

    /**
     * One call to the EHR (send, reconcile search, or verification read).
     *
     * @param repeats how many more times the same wait followed it (same step, outcome, error class and status),
     *                counted here rather than listed (a record not yet readable, a send deferred again); 0 mostly
     */
    public record AttemptView(String step, Instant startedAt, long durationMs, String outcome, Integer httpStatus,
                              String errorClass, String detail, String traceId, String node, int repeats) {
        public AttemptView(String step, Instant startedAt, long durationMs, String outcome, Integer httpStatus,
                           String errorClass, String detail, String traceId, String node) {
            this(step, startedAt, durationMs, outcome, httpStatus, errorClass, detail, traceId, node, 0);
        }
    }

    /** One audited decision about the event or one of its operations. */
    public record TimelineEntry(long auditId, Instant at, String actor, String action, UUID operationId,
                                String detail) {
    }
}
