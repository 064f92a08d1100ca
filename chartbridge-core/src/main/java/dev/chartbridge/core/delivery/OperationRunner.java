package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.common.Backoff;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

import static dev.chartbridge.core.delivery.AdapterCalls.call;
import static dev.chartbridge.core.delivery.AdapterCalls.describe;
import static dev.chartbridge.core.delivery.AdapterCalls.traceId;

/**
 * Moves one claimed operation through as many steps as it can take now: send, reconcile an unknown outcome,
 * verify. Each step's result is recorded (state, attempt, queue, audit) before the next begins, so a crash at
 * any point leaves a state that says what to do next. A create whose outcome is unknown is never resent before a
 * search says it is absent. Thread-safe: holds no per-operation state between calls.
 */
final class OperationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);
    /** A record not yet readable may stay so for hours (Epic's holding tank): its re-reads may wait longer. */
    static final int PENDING_CAP_FACTOR = 3;

    private final OperationStore store;
    private final Targets targets;
    private final DeliveryPolicy policy;
    private final DeliveryMetrics metrics;
    private final StoredEvents events;
    private final ProvenanceSteps provenance;
    private final Clock clock;
    private volatile boolean stopping;

    OperationRunner(OperationStore store, Targets targets, DeliveryPolicy policy, DeliveryMetrics metrics,
                    StoredEvents events, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.policy = policy;
        this.metrics = metrics;
        this.events = events;
        this.provenance = new ProvenanceSteps(store.jdbc());
        this.clock = clock;
    }

    /** From now on each claim is given back before its next step instead of taking it; a step under way ends. */
    void stop() {
        stopping = true;
    }

    /** Runs one claim of a batch, from the row its claim read; the event is parsed once per {@code batch}. */
    void run(Claimed claimed, StoredEvents.Batch batch) {
        Claim claim = claimed.claim();
        OperationRow op = claimed.row();
        MDC.put("operationId", op.id().toString());
        MDC.put("eventId", op.eventId().toString());
        // A span of the trace the event was accepted under (issue #14); its id goes on every attempt row.
        Span span = Traces.start("chartbridge.attempt", SpanKind.INTERNAL, Traces.parent(op.traceparent()));
        span.setAttribute("chartbridge.operation.id", op.id().toString());
        span.setAttribute("chartbridge.event.id", op.eventId().toString());
        span.setAttribute("chartbridge.tenant", op.tenantId());
        span.setAttribute("chartbridge.connection", op.target());
        try (Scope ignored = span.makeCurrent()) {
            MDC.put("traceId", span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null);
            runLoaded(claim, op, batch);
        } finally {
            span.end();
            MDC.clear();
        }
    }

    private void runLoaded(Claim claim, OperationRow op, StoredEvents.Batch batch) {
        Target target = targets.find(op.tenantId(), op.target()).orElse(null);
        ParseResult parsed = batch.parse(op.eventId(), op.eventBody());
        ParseResult base = op.changesRecord() ? events.parse(op.baseBody()) : parsed;
        if (target == null || !parsed.isValid() || !base.isValid()) {
            String why = target == null ? "target " + op.target() + " is no longer configured"
                    : "stored event no longer parses: "
                    + (parsed.isValid() ? base : parsed).errors().get(0).pointer();
            record(claim, op, OperationState.NEEDS_REVIEW, Step.SEND, "unprocessable", null, null, why,
                    Exchange.none(), clock.instant(), null, false, 0, 0);
            return;
        }
        EhrAdapter adapter = target.adapter();
        if (ProvenanceSteps.describes(op)) {
            ProvenanceSteps.Prepared p = provenance.prepare(op, adapter);
            if (p.hold() != null) {
                record(claim, op, p.hold().to(), Step.SEND, "blocked", null, p.hold().error(), p.hold().detail(),
                        Exchange.none(), clock.instant(), null, false, 0, 0);
                return;
            }
            adapter = p.adapter();
        }
        new Run(claim, adapter, parsed.event(), base.event()).from(op);
    }

    /**
     * The steps of one claim: each returns the operation as it stands afterwards while the claim holds its lease,
     * or null when this claim ends (the step ended the operation, gave it back to wait, or lost the lease).
     */
    private final class Run {
        private final Claim claim;
        private final EhrAdapter adapter;
        private final ClinicalEvent event;
        private final ClinicalEvent base;

        Run(Claim claim, EhrAdapter adapter, ClinicalEvent event, ClinicalEvent base) {
            this.claim = claim;
            this.adapter = adapter;
            this.event = event;
            this.base = base;
        }

        void from(OperationRow op) {
            OperationRow current = op;
            while (current != null && !current.state().isTerminal()) {
                if (stopping) {
                    // Between two steps nothing is in flight: the claim goes back, due after the reconcile delay
                    // so that no node starts on it while this one is still winding down.
                    store.release(claim, policy.reconcileDelay());
                    return;
                }
                current = switch (current.state()) {
                    case DUE, RETRY_WAIT -> current.shadow() ? shadow(current) : send(current);
                    case IN_FLIGHT -> recover(current);
                    case UNKNOWN -> reconcile(current);
                    case CREATED, PENDING_REMOTE -> verify(current);
                    default -> null;
                };
            }
        }

        private WriteContext context(OperationRow op) {
            return new WriteContext(op.id(), op.operationKey(), op.tenantId(), op.target(), event, op.part(),
                    op.resourceType(), op.remote());
        }

        private UpdateContext change(OperationRow op) {
            boolean compensate = RecordChanges.COMPENSATE.equals(op.kind());
            UpdateContext.Intent intent = compensate ? UpdateContext.Intent.ENTERED_IN_ERROR
                    : RecordChanges.APPLY_ON_CURRENT.equals(op.onConflict()) ? UpdateContext.Intent.APPLY_ON_CURRENT
                    : UpdateContext.Intent.AMEND;
            return new UpdateContext(op.id(), op.recordKey(), op.tenantId(), op.target(), event, base, op.part(),
                    op.resourceType(), op.remote(), intent, TenantPolicy.MERGE.equals(op.onConflict()));
        }

        /**
         * A previous holder's lease ran out while a send was in flight: its outcome is unknown. The search waits the
         * reconcile delay, as after any unknown outcome, so an EHR still committing that send can finish first.
         */
        private OperationRow recover(OperationRow op) {
            return record(claim, op, OperationState.UNKNOWN, Step.RECOVER, "recovered", null, null,
                    "lease expired while a send was in flight", Exchange.none(), clock.instant(),
                    clock.instant().plus(policy.reconcileDelay()), false, 0, 0);
        }

        private OperationRow send(OperationRow op) {
            if (op.sends() >= policy.maxSends()) {
                return record(claim, op, OperationState.DEAD, Step.SEND, "dead", null, null,
                        "gave up after " + op.sends() + " sends", Exchange.none(), clock.instant(), null, false, 0, 0);
            }
            OperationRow inFlight = record(claim, op, OperationState.IN_FLIGHT, Step.SEND, null, null, null, null,
                    null, clock.instant(), null, true, 1, 0);
            if (inFlight == null) {
                return null;
            }
            if (op.sends() > 0) {
                metrics.resent(op);
            }
            Instant started = clock.instant();
            java.util.function.Function<RuntimeException, SendOutcome> onBug =
                    e -> new SendOutcome.Unknown("adapter failed: " + e.getClass().getSimpleName(), Exchange.none());
            SendOutcome outcome;
            if (op.changesRecord()) {
                UpdateOutcome u = call(() -> adapter.update(change(inFlight)), e -> new UpdateOutcome.Sent(onBug.apply(e)));
                if (u instanceof UpdateOutcome.Conflict c) {
                    return conflict(inFlight, c, started);
                }
                outcome = ((UpdateOutcome.Sent) u).outcome();
            } else {
                outcome = call(() -> adapter.send(context(inFlight)), onBug);
            }
            if (outcome instanceof SendOutcome.Created c) {
                metrics.written(op, clock.instant());
                return created(inFlight, Step.SEND, "created", c.ref(), c.exchange(), started);
            }
            if (outcome instanceof SendOutcome.Retryable r && r.notSent()) {
                return deferred(inFlight, r, started);
            }
            if (outcome instanceof SendOutcome.Retryable r) {
                boolean exhausted = inFlight.sends() >= policy.maxSends();
                Instant due = clock.instant().plus(retryDelay(inFlight.sends(), r.retryAfter()));
                return record(claim, inFlight, exhausted ? OperationState.DEAD : OperationState.RETRY_WAIT, Step.SEND,
                        exhausted ? "dead" : "retryable", null, r.error(), describe(r.error()), r.exchange(), started,
                        exhausted ? null : due, false, 0, 0);
            }
            if (outcome instanceof SendOutcome.Conflict c) {
                return record(claim, inFlight, OperationState.CONFLICT, Step.SEND, "conflict", null, c.error(),
                        describe(c.error()), c.exchange(), started, null, false, 0, 0);
            }
            if (outcome instanceof SendOutcome.NeedsReview n) {
                return record(claim, inFlight, OperationState.NEEDS_REVIEW, Step.SEND, "needs-review", null,
                        n.error(), "not sent: " + describe(n.error()), n.exchange(), started, null, false, -1, 0);
            }
            if (outcome instanceof SendOutcome.Rejected r) {
                return record(claim, inFlight, OperationState.REJECTED, Step.SEND, "rejected", null, r.error(),
                        describe(r.error()), r.exchange(), started, null, false, 0, 0);
            }
            SendOutcome.Unknown u = (SendOutcome.Unknown) outcome;
            return record(claim, inFlight, OperationState.UNKNOWN, Step.SEND, "unknown", null,
                    VendorError.of(ErrorClass.UNKNOWN, u.reason()), u.reason(), u.exchange(), started,
                    clock.instant().plus(settleTime(started)), false, 0, 0);
        }

        /**
         * How long an EHR gets to finish a send whose answer never came before it is searched for: the reconcile
         * delay, and at least as long as the gateway waited for that answer. A send abandoned after a read timeout
         * may still be queued or committing at the EHR; a search that ran before it committed would find nothing
         * and the write would be sent twice (seen in the fault matrix on a loaded machine: 500 ms read timeout,
         * 50 ms delay). No vendor documents how long a request may run after its client gave up (assumed); giving
         * it as long again as the client waited covers any EHR whose processing time is under twice the timeout.
         * The wait is measured from the start of the send step, so it also counts the adapter's lookups and token
         * before the write request: it errs long, never short (the adapter does not report when the request left).
         */
        private Duration settleTime(Instant sendStarted) {
            Duration waited = Duration.between(sendStarted, clock.instant());
            return waited.compareTo(policy.reconcileDelay()) > 0 ? waited : policy.reconcileDelay();
        }

        /**
         * Nothing of the write left the gateway (its own call budget, a token, a lookup before the write): the send
         * marked for it is given back, so waiting on the gateway's side never uses up {@code maxSends}. Such waits
         * are bounded by the pending deadline instead: past it, the write goes to review saying it was never sent.
         */
        private OperationRow deferred(OperationRow op, SendOutcome.Retryable r, Instant started) {
            String why = "not sent: " + describe(r.error());
            if (clock.instant().isAfter(op.createdAt().plus(policy.pendingDeadline()))) {
                return record(claim, op, OperationState.NEEDS_REVIEW, Step.SEND, "deferred-expired", null, r.error(),
                        why + "; still not sent " + policy.pendingDeadline() + " after it was planned", r.exchange(),
                        started, null, false, -1, 0);
            }
            Instant due = clock.instant().plus(Backoff.wait(policy.baseDelay(), policy.maxDelay(), op.waits() + 1,
                    r.retryAfter()));
            return record(claim, op, OperationState.RETRY_WAIT, Step.SEND, "deferred", null, r.error(), why,
                    r.exchange(), started, due, false, -1, 0);
        }

        /** An update met a record changed in the EHR: both sides are stored with the move to CONFLICT. */
        private OperationRow conflict(OperationRow op, UpdateOutcome.Conflict c, Instant started) {
            String detail = "the record changed in the EHR" + (c.remoteFields().isEmpty() ? ""
                    : " (" + String.join(", ", c.remoteFields()) + ")") + " since the gateway wrote it; the update"
                    + " changes " + String.join(", ", c.localFields());
            return record(claim, op, OperationState.CONFLICT, Step.SEND, "conflict", null, c.error(), detail,
                    c.exchange(), started, null, false, 0, 0, c);
        }

        /**
         * Shadow mode: the adapter prepares the write as it would send it, and the request is kept instead of sent.
         * What would have stopped the send before sending stops it here too: a refusal ends it REJECTED, a
         * retryable lookup is tried again (counted as checks) and ends it DEAD after the last check.
         */
        private OperationRow shadow(OperationRow op) {
            Instant started = clock.instant();
            RenderOutcome outcome = call(() -> adapter.render(context(op)), e -> new RenderOutcome.NotRendered(
                    new SendOutcome.Rejected(VendorError.of(ErrorClass.UNKNOWN, "adapter failed: "
                            + e.getClass().getSimpleName()), Exchange.none())));
            if (outcome instanceof RenderOutcome.Rendered r) {
                Exchange rendered = new Exchange(r.request().method() + " " + r.request().path(),
                        Json.sha256(r.request().body()), 0);
                return record(claim, op, new Transition(OperationState.SHADOWED, null, null, null, Step.RENDER,
                        "shadowed", rendered, started, millisSince(started), traceId(), null, false, 0, 0,
                        r.request(), null, null));
            }
            SendOutcome notSent = ((RenderOutcome.NotRendered) outcome).outcome();
            if (notSent instanceof SendOutcome.Retryable r && op.checks() + 1 < policy.maxChecks()) {
                Instant due = clock.instant().plus(retryDelay(op.checks() + 1, r.retryAfter()));
                return record(claim, op, OperationState.RETRY_WAIT, Step.RENDER, "retryable", null, r.error(),
                        describe(r.error()), r.exchange(), started, due, false, 0, 1);
            }
            VendorError error = notSent instanceof SendOutcome.Rejected r ? r.error()
                    : notSent instanceof SendOutcome.NeedsReview n ? n.error()
                    : ((SendOutcome.Retryable) notSent).error();
            OperationState to = notSent instanceof SendOutcome.Rejected ? OperationState.REJECTED
                    : notSent instanceof SendOutcome.NeedsReview ? OperationState.NEEDS_REVIEW : OperationState.DEAD;
            return record(claim, op, to, Step.RENDER, to == OperationState.REJECTED ? "rejected"
                    : to == OperationState.DEAD ? "dead" : "needs-review", null, error,
                    describe(error), notSent.exchange(), started, null, false, 0, 1);
        }

        private OperationRow reconcile(OperationRow op) {
            Instant started = clock.instant();
            FindOutcome outcome = call(() -> op.changesRecord() ? adapter.findUpdate(change(op))
                    : adapter.find(context(op)), e -> new FindOutcome.Undetermined(
                    VendorError.of(ErrorClass.UNKNOWN, "adapter failed: " + e.getClass().getSimpleName()),
                    Exchange.none()));
            if (outcome instanceof FindOutcome.Found f) {
                metrics.written(op, clock.instant());
                return created(op, Step.RECONCILE, "found", f.ref(), f.exchange(), started);
            }
            if (outcome instanceof FindOutcome.Absent a) {
                return record(claim, op, OperationState.DUE, Step.RECONCILE, "absent", null, null,
                        "the EHR holds no record of this write; sending again", a.exchange(), started, null, true, 0, 1);
            }
            if (outcome instanceof FindOutcome.Ambiguous a) {
                String candidates = a.candidates().stream().map(r -> r.resourceType() + "/" + r.id())
                        .collect(Collectors.joining(", "));
                return record(claim, op, OperationState.NEEDS_REVIEW, Step.RECONCILE, "ambiguous", null,
                        VendorError.of(ErrorClass.DUPLICATE, "several candidates"),
                        "several records match this write: " + candidates, a.exchange(), started, null, false, 0, 1);
            }
            FindOutcome.Undetermined u = (FindOutcome.Undetermined) outcome;
            return retryCheck(op, Step.RECONCILE, OperationState.UNKNOWN, u.error(), u.exchange(), started,
                    "could not tell whether the write landed", u.retryAfter());
        }

        private OperationRow verify(OperationRow op) {
            Instant started = clock.instant();
            VerifyOutcome outcome = call(() -> op.changesRecord() ? adapter.verifyUpdate(change(op))
                    : adapter.verify(context(op)), e -> new VerifyOutcome.Undetermined(
                    VendorError.of(ErrorClass.UNKNOWN, "adapter failed: " + e.getClass().getSimpleName()),
                    Exchange.none()));
            if (outcome instanceof VerifyOutcome.Verified v) {
                return checked(op, OperationState.VERIFIED, "verified", null, null, v.exchange(), started, v.seen());
            }
            if (outcome instanceof VerifyOutcome.Modified m) {
                return checked(op, OperationState.MODIFIED, "modified",
                        VendorError.of(ErrorClass.INVALID, "fields dropped or altered"),
                        "the EHR dropped or altered: " + String.join(", ", m.fields()), m.exchange(), started,
                        m.seen());
            }
            if (outcome instanceof VerifyOutcome.NotYetReadable n) {
                if (clock.instant().isAfter(op.createdAt().plus(policy.pendingDeadline()))) {
                    return record(claim, op, OperationState.NEEDS_REVIEW, Step.VERIFY, "pending-expired", null, null,
                            "the EHR still does not show the record", n.exchange(), started, null, false, 0, 1);
                }
                Instant due = clock.instant().plus(Backoff.wait(policy.baseDelay(),
                        policy.maxDelay().multipliedBy(PENDING_CAP_FACTOR), op.waits() + 1, null));
                return record(claim, op, OperationState.PENDING_REMOTE, Step.VERIFY, "pending", null, null,
                        "the EHR holds the record but does not show it yet", n.exchange(), started, due, false, 0, 0);
            }
            VerifyOutcome.Undetermined u = (VerifyOutcome.Undetermined) outcome;
            return retryCheck(op, Step.VERIFY, op.state(), u.error(), u.exchange(), started, "could not read back",
                    u.retryAfter());
        }

        /** The record reads back (as written or not): written, watched from what this read saw. */
        private OperationRow checked(OperationRow op, OperationState to, String outcome, VendorError error,
                                     String detail, Exchange exchange, Instant started, ReadBack.Present seen) {
            return record(claim, op, new Transition(to, null, error, detail, Step.VERIFY, outcome, exchange, started,
                    millisSince(started), traceId(), null, false, 0, 1, null, null, seen));
        }

        private OperationRow created(OperationRow op, Step step, String outcome, RemoteRef ref, Exchange exchange,
                                     Instant started) {
            OperationState next = policy.verify() ? OperationState.CREATED : OperationState.CREATED_UNVERIFIED;
            return record(claim, op, next, step, outcome, ref, null, null, exchange, started, null, policy.verify(),
                    0, step == Step.RECONCILE ? 1 : 0);
        }

        private OperationRow retryCheck(OperationRow op, Step step, OperationState stay, VendorError error,
                                        Exchange exchange, Instant started, String what, Duration retryAfter) {
            int checks = op.checks() + 1;
            if (checks >= policy.maxChecks()) {
                return record(claim, op, OperationState.NEEDS_REVIEW, step, "undetermined", null, error,
                        what + " after " + checks + " tries: " + describe(error), exchange, started, null, false, 0, 1);
            }
            Instant due = clock.instant().plus(retryDelay(checks, retryAfter));
            return record(claim, op, stay, step, "undetermined", null, error, describe(error), exchange, started, due,
                    false, 0, 1);
        }
    }

    private OperationRow record(Claim claim, OperationRow op, OperationState to, Step step, String outcome,
                                RemoteRef remote, VendorError error, String detail, Exchange exchange,
                                Instant started, Instant nextDue, boolean keepLease, int addSends, int addChecks) {
        return record(claim, op, to, step, outcome, remote, error, detail, exchange, started, nextDue, keepLease,
                addSends, addChecks, null);
    }

    private OperationRow record(Claim claim, OperationRow op, OperationState to, Step step, String outcome,
                                RemoteRef remote, VendorError error, String detail, Exchange exchange,
                                Instant started, Instant nextDue, boolean keepLease, int addSends, int addChecks,
                                UpdateOutcome.Conflict conflict) {
        return record(claim, op, new Transition(to, remote, error, detail, step, outcome, exchange, started,
                millisSince(started), traceId(), nextDue, keepLease, addSends, addChecks, null, conflict, null));
    }

    private OperationRow record(Claim claim, OperationRow op, Transition t) {
        MDC.put("traceId", t.traceId());
        if (!store.record(claim, op, t, policy.lease())) {
            LOG.warn("operation {} lease lost during {}; another node owns it now", op.id(), t.step());
            return null;
        }
        OperationState to = t.to();
        if (t.outcome() != null) {
            metrics.attempt(op, t);
            if (to == OperationState.DEAD || to == OperationState.NEEDS_REVIEW || to == OperationState.CONFLICT
                    || to == OperationState.REJECTED || to == OperationState.MODIFIED) {
                // One line per write that ends where a person must look: ids and classes only, never content.
                LOG.warn("operation {} of event {} -> {} ({})", op.id(), op.eventId(), to,
                        t.error() == null ? t.outcome() : t.error().errorClass());
            } else {
                LOG.debug("operation {} {} -> {}", op.id(), t.step(), to);
            }
        }
        if (!t.keepLease()) {
            // The lease went back with this transition (due again later, or out of the queue): this claim ends
            // here. Going on would run the next step now, ignoring the wait, and fail at its record.
            return null;
        }
        return op.moved(to, t.addSends(), t.addChecks(), t.remote());
    }

    /** The delay before retry {@code attempt} after an answer (a refused send, a failed check). */
    private Duration retryDelay(int attempt, Duration retryAfter) {
        return Backoff.delay(policy.baseDelay(), policy.maxDelay(), attempt, retryAfter);
    }

    private long millisSince(Instant started) {
        return Duration.between(started, clock.instant()).toMillis();
    }
}
