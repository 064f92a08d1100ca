package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.profile.VendorProfile;
import org.hl7.fhir.r4.model.Resource;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The send, find and verify steps of a FHIR R4 vendor reached with a SMART backend token and no conditional create
 * (Epic, eClinicalWorks): resolve patient and encounter by identifier (an open encounter where the profile says
 * so), create once with a plain POST (no {@code Prefer}: Epic answers 201 with an empty body and a
 * {@code Location}), reconcile an unknown outcome with a {@link WriteReconciler} (a resend would be a duplicate;
 * the vendor's "already on the chart" answers are reconciled at once), and read back by id to compare critical
 * fields, apart from those the vendor is not documented to keep (the gateway's identifier). What differs per vendor, the meaning of its error answers, comes
 * from {@link Answers}. Thread-safe.
 */
public final class BackendFhirWriter {

    /** How one vendor's failed answers map onto the gateway's outcomes. Implementations are stateless. */
    public interface Answers {
        /** A send that failed with an HTTP answer or an I/O error (after the one 401 retry). */
        SendOutcome failedSend(RuntimeException e, Exchange sent);

        /** A read or search that failed. */
        VendorError failedCall(RuntimeException e);

        /** The token endpoint refused or failed: nothing was sent, so the write may be retried. */
        SendOutcome.Retryable tokenFailure(AuthException e);

        /**
         * The vendor's codes that answer a create with "this is already on the chart" (Epic 59189, 59141): the
         * record is looked for, and a match completes the write. None by default.
         */
        default Set<String> alreadyThereCodes() {
            return Set.of();
        }
    }

    private final VendorProfile profile;
    private final FhirServer server;
    private final BearerAuthorization auth;
    private final Answers answers;
    private final ContextResolver context;
    private final WriteReconciler reconciler;
    private final FhirRecordUpdater updater;
    /** Fields the vendor is not documented to keep: not compared on read-back. */
    private final Set<String> notKept;

    public BackendFhirWriter(VendorProfile profile, FhirServer server, BearerAuthorization auth, Answers answers,
                             Clock clock) {
        this.profile = profile;
        this.server = server;
        this.auth = auth;
        this.answers = answers;
        Searchset searches = new Searchset(server, auth::call);
        SearchRules rules = SearchRules.of(profile.vendor());
        this.context = new ContextResolver(searches, rules, clock);
        this.reconciler = new WriteReconciler(searches, rules);
        this.updater = new FhirRecordUpdater(server, auth::call, profile.versionsRecords());
        // evidence: epic.identifier.not-kept, ecw.identifier.not-kept
        this.notKept = profile.dedupe().contains("identifier") ? Set.of() : Set.of("identifier");
    }

    /** Changes a record written earlier ({@link FhirRecordUpdater}: If-Match, or read, compare, write). */
    public UpdateOutcome update(UpdateContext update) {
        Optional<AuthException> noToken = ensureToken();
        if (noToken.isPresent()) {
            return new UpdateOutcome.Sent(answers.tokenFailure(noToken.get()));
        }
        ContextResolver.Resolved ctx = context.resolve(update.event());
        if (ctx.error() != null) {
            return new UpdateOutcome.Sent(ctx.notSent());
        }
        try {
            return updater.update(update, ctx.patientId(), ctx.encounterId());
        } catch (RuntimeException e) {
            Optional<AuthException> tokenFailure = BearerAuthorization.tokenFailure(e);
            if (tokenFailure.isPresent()) {
                return new UpdateOutcome.Sent(answers.tokenFailure(tokenFailure.get()));
            }
            throw e;
        }
    }

    public FindOutcome findUpdate(UpdateContext update) {
        return readingUpdate(update, FindOutcome.Undetermined::new, (p, e) -> updater.find(update, p, e));
    }

    public VerifyOutcome verifyUpdate(UpdateContext update) {
        return readingUpdate(update, VerifyOutcome.Undetermined::new, (p, e) -> updater.verify(update, p, e));
    }

    /** A read of an updated record with a token and the resolved patient and encounter ids, or why not. */
    private <T> T readingUpdate(UpdateContext update, BiFunction<VendorError, Exchange, T> failed,
                                BiFunction<String, String, T> read) {
        Optional<AuthException> noToken = ensureToken();
        if (noToken.isPresent()) {
            return failed.apply(answers.tokenFailure(noToken.get()).error(), Exchange.none());
        }
        ContextResolver.Resolved ctx = context.resolve(update.event());
        return ctx.error() != null ? failed.apply(ctx.error(), ctx.exchange())
                : read.apply(ctx.patientId(), ctx.encounterId());
    }

    public SendOutcome send(WriteContext write) {
        return prepare(write).send();
    }

    /** The create {@link #send} would make, without making it (the token and lookups are still fetched). */
    public RenderOutcome render(WriteContext write) {
        return prepare(write).render();
    }

    private PreparedSend prepare(WriteContext write) {
        Optional<AuthException> noToken = ensureToken();
        if (noToken.isPresent()) {
            return PreparedSend.notSent(answers.tokenFailure(noToken.get()));
        }
        VendorProfile.EventSupport support = profile.support(write.event().type().wireName());
        ContextResolver.Resolved ctx = context.resolve(write.event(),
                Boolean.TRUE.equals(support.requiresOpenEncounter()));
        if (ctx.error() != null) {
            return PreparedSend.notSent(ctx.notSent());
        }
        Resource resource = FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId());
        String body = FhirContexts.r4().newJsonParser().encodeResourceToString(resource);
        RenderedRequest request = new RenderedRequest("POST", resource.fhirType(), Map.of(), "application/fhir+json",
                body);
        return PreparedSend.ready(request, () -> create(write, resource, body, ctx.patientId()));
    }

    private SendOutcome create(WriteContext write, Resource resource, String body, String patientId) {
        Exchange sent = new Exchange("POST " + resource.fhirType(), Json.sha256(body), 0);
        try {
            // The very text that was digested: encoded once (above), not again (nor parsed) by the client. No
            // Prefer header: the vendors' documented answer to a plain create is what this path reads (Location).
            MethodOutcome outcome = auth.call(() -> server.create(resource, body, null, null));
            int status = outcome.getResponseStatusCode() > 0 ? outcome.getResponseStatusCode() : 201;
            Exchange answered = new Exchange(sent.request(), sent.requestDigest(), status);
            RemoteRef ref = FhirOutcomes.locationRef(resource.fhirType(), outcome);
            return ref == null ? new SendOutcome.Unknown("created without a Location", answered)
                    : new SendOutcome.Created(ref, answered);
        } catch (RuntimeException e) {
            Optional<AuthException> tokenFailure = BearerAuthorization.tokenFailure(e);
            if (tokenFailure.isPresent()) {
                return answers.tokenFailure(tokenFailure.get());
            }
            if (FhirOutcomes.meansAlreadyThere(e, false, answers.alreadyThereCodes())) {
                Exchange answered = new Exchange(sent.request(), sent.requestDigest(), FhirOutcomes.status(e));
                return AlreadyThere.outcome(reconciler.find(write, resource, patientId, mayBeHeld(write)), answered,
                        answers.failedCall(e), true);
            }
            return answers.failedSend(e, sent);
        }
    }

    private boolean mayBeHeld(WriteContext write) {
        return "holding-tank".equals(profile.support(write.event().type().wireName()).readBack());
    }

    /**
     * Looks for an earlier send of {@code write}. The engine only reconciles after a send ended without an answer,
     * or after the node that sent it stopped renewing its lease (dead), so no send of this write is running.
     */
    public FindOutcome find(WriteContext write) {
        Optional<AuthException> noToken = ensureToken();
        if (noToken.isPresent()) {
            return new FindOutcome.Undetermined(noToken.map(answers::tokenFailure).get().error(), Exchange.none());
        }
        ContextResolver.Resolved ctx = context.resolve(write.event());
        if (ctx.error() != null) {
            return new FindOutcome.Undetermined(ctx.error(), ctx.exchange(), ctx.retryAfter());
        }
        Resource expected = FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId());
        return reconciler.find(write, expected, ctx.patientId(), mayBeHeld(write));
    }

    public VerifyOutcome verify(WriteContext write) {
        RemoteRef remote = write.remote();
        Exchange ex = new Exchange("GET " + remote.resourceType() + "/{id}", null, 0);
        Optional<AuthException> noToken = ensureToken();
        if (noToken.isPresent()) {
            return new VerifyOutcome.Undetermined(noToken.map(answers::tokenFailure).get().error(), Exchange.none());
        }
        ContextResolver.Resolved ctx = context.resolve(write.event());
        if (ctx.error() != null) {
            return new VerifyOutcome.Undetermined(ctx.error(), ctx.exchange());
        }
        try {
            Resource actual = read(remote);
            Resource expected = FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId());
            List<String> differences = CriticalFields.differences(expected, actual, notKept);
            Exchange ok = new Exchange(ex.request(), null, 200);
            return FhirRecordState.verified(differences, actual, ok);
        } catch (RuntimeException e) {
            Exchange failed = new Exchange(ex.request(), null, FhirOutcomes.status(e));
            if (FhirOutcomes.status(e) == 404) {
                // Epic's holding tank answers 404 until a clinician reconciles the record.
                return new VerifyOutcome.NotYetReadable(failed);
            }
            Optional<AuthException> tokenFailure = BearerAuthorization.tokenFailure(e);
            return new VerifyOutcome.Undetermined(tokenFailure.isPresent()
                    ? answers.tokenFailure(tokenFailure.get()).error() : answers.failedCall(e), failed);
        }
    }

    /** Re-reads the record by the verification read; 404 or 410 (Epic: never for a record once readable) is gone. */
    public ReadBack readBack(WriteContext write) {
        RemoteRef remote = write.remote();
        Exchange ex = new Exchange("GET " + remote.resourceType() + "/{id}", null, 0);
        Optional<AuthException> noToken = ensureToken();
        if (noToken.isPresent()) {
            return new ReadBack.Undetermined(noToken.map(answers::tokenFailure).get().error(), Exchange.none());
        }
        try {
            return FhirRecordState.of(read(remote), new Exchange(ex.request(), null, 200));
        } catch (RuntimeException e) {
            Optional<AuthException> tokenFailure = BearerAuthorization.tokenFailure(e);
            VendorError error = tokenFailure.isPresent() ? answers.tokenFailure(tokenFailure.get()).error()
                    : answers.failedCall(e);
            return FhirRecordState.failed(FhirOutcomes.status(e), error,
                    new Exchange(ex.request(), null, FhirOutcomes.status(e)));
        }
    }

    /** The read that verification and read-back share. */
    private Resource read(RemoteRef remote) {
        return (Resource) auth.call(() -> server.client().read().resource(remote.resourceType())
                .withId(remote.id()).execute());
    }

    private Optional<AuthException> ensureToken() {
        try {
            auth.ensureToken();
            return Optional.empty();
        } catch (AuthException e) {
            return Optional.of(e);
        }
    }
}
