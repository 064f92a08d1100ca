package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.auth.TokenCheck;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes to Veradigm (Allscripts) through Unity's Magic save actions as the connection's EHR user, with a token
 * from GetToken bound to that user by GetUserAuthentication, cached and fetched once for many concurrent writes.
 * Every source this relies on is cited in {@code docs/evidence/veradigm.yaml}.
 *
 * <p>Before a write the patient is found by MRN and an encounter the write names is proven to be that patient's.
 * Unity answers errors inside HTTP 200 bodies; only the expired-token wording is recognised, any other leaves a
 * save's outcome unknown. Unity keeps no identifiers of ours and nothing is idempotent, so an unknown outcome is
 * reconciled by reading the patient's records in Unity's read shape through {@link UnityReadShapes}, never by the
 * save's parameters; verification compares the same read columns. An answer the gateway does not recognise never
 * counts as verified, found or absent: it goes to review with its text kept. Thread-safe.
 */
public final class VeradigmAdapter implements EhrAdapter {
    public static final String VENDOR = "veradigm";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);

    private final VeradigmSettings settings;
    private final CachingTokenSource tokens;
    private final UnityClient client;
    private final PatientContext context;
    private final SendBaselines baselines = new SendBaselines();

    public VeradigmAdapter(VeradigmSettings settings, Clock clock) {
        this.settings = settings;
        UnityTransport transport = new UnityTransport(settings.unityUrl(), settings.connectTimeout(),
                settings.readTimeout());
        this.tokens = new CachingTokenSource(new UnityGetToken(settings, transport, clock), Duration.ofSeconds(60),
                clock);
        this.client = new UnityClient(tokens, transport, settings);
        this.context = new PatientContext(client, settings.mrnSystem(), clock);
    }

    /** Counts this adapter's Unity token requests in {@code metrics}; returns this adapter. */
    public VeradigmAdapter countingTokens(dev.chartbridge.ehr.auth.TokenMetrics metrics) {
        tokens.countedBy(metrics);
        return this;
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    /**
     * A Unity token bound to the EHR user can be had (GetToken, then GetUserAuthentication; the cached token while
     * it lasts, so no token request beyond the writes' own): that proves the Unity URL, the service account and
     * the EHR user at once.
     */
    @Override
    public ConnectionCheck check() {
        return TokenCheck.of(tokens, "token issued and bound to the EHR user");
    }

    /** The profile's refusals: no consent, no amendments through Unity, no FHIR writes (see the profile's reasons). */
    // evidence: veradigm.behaviour.no-consent, veradigm.behaviour.no-updates, veradigm.behaviour.fhir-read-only
    @Override
    public WritePlan plan(ClinicalEvent event) {
        WritePlan plan = ProfilePlanner.plan(PROFILE, event, VeradigmMapping.kind(event));
        if (!plan.isRefused() && event.payload() instanceof FollowUpTaskPayload t && t.ownerNpi() != null
                && !settings.users().containsKey(t.ownerNpi())) {
            return WritePlan.refused("the task owner's NPI has no Unity user in this connection"
                    + " (settings provider.<npi>)");
        }
        return plan;
    }

    @Override
    public SendOutcome send(WriteContext write) {
        return prepare(write).send();
    }

    @Override
    public RenderOutcome render(WriteContext write) {
        return prepare(write).render();
    }

    private PreparedSend prepare(WriteContext write) {
        PatientContext.Resolved ctx = context.resolve(write.event(), VeradigmMapping.bindsEncounter(write.event()));
        if (ctx.verdict() != PatientContext.Verdict.OK) {
            Exchange lookup = new Exchange("POST MagicJson lookup", null,
                    ctx.failed() == null ? 0 : UnityOutcomes.status(ctx.failed()));
            return PreparedSend.notSent(switch (ctx.verdict()) {
                case REFUSE -> new SendOutcome.Rejected(ctx.error(), lookup);
                // Nothing was written; a human decides (a CONFLICT is a review state with both sides kept).
                case REVIEW -> new SendOutcome.Conflict(ctx.error(), lookup);
                default -> new SendOutcome.Retryable(UnityOutcomes.retryAfter(ctx.failed()), ctx.error(), lookup)
                        .unsent();
            });
        }
        VeradigmMapping.UnityWrite w = VeradigmMapping.render(write.event(), write.part(), ctx.encounterId(),
                settings);
        RenderedRequest request = new RenderedRequest("POST", "MagicJson", Map.of(), "application/json",
                client.masked(w.action(), ctx.patientId(), w.parameters()));
        return PreparedSend.ready(request, () -> save(write, w, ctx.patientId()));
    }

    // evidence: veradigm.save.answer-id
    private SendOutcome save(WriteContext write, VeradigmMapping.UnityWrite w, String patientId) {
        baselines.before(write.operationId(), baseline(write, patientId));
        UnityClient.Call call = client.magic(w.action(), patientId, w.parameters());
        String digest = call instanceof UnityClient.Sent s ? Json.sha256(s.maskedBody()) : null;
        Exchange sent = new Exchange("POST MagicJson " + w.action(), digest, 0);
        return UnityOutcomes.ofSend(call, sent, answer -> {
            List<UnityRow> rows = UnityAnswer.rows(w.action(), answer.json());
            String id = rows == null || rows.isEmpty() ? null
                    : rows.get(0).text(UnityReadShapes.shape(w.kind()).idColumn());
            Exchange ok = new Exchange(sent.request(), sent.requestDigest(), answer.status());
            return id == null || id.isBlank() ? new SendOutcome.Unknown("saved; the answer names no record id the"
                    + " gateway can read", ok) : new SendOutcome.Created(new RemoteRef(w.kind(), id.strip(), null), ok);
        });
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Read read = read(write);
        if (read.listing().error() != null) {
            return new FindOutcome.Undetermined(read.listing().error(), read.listing().exchange(),
                    read.listing().retryAfter());
        }
        return UnityReconciliation.find(read.listing(), read.expected(), notBefore(write.event()),
                baselines.of(write.operationId()));
    }

    /**
     * The records already holding this write's content just before it is sent (one listing read), or null when
     * the listing cannot tell: then a lost answer is only ever concluded absent, never found.
     */
    private Set<String> baseline(WriteContext write, String patientId) {
        UnityListing listing = UnityListing.of(client, VeradigmMapping.kind(write.event()), patientId,
                notBefore(write.event()));
        if (listing.error() != null || listing.unreadable()) {
            return null;
        }
        Set<String> ids = new HashSet<>();
        UnityReconciliation.holding(listing, UnityReadShapes.expected(write.event(), write.part(), settings),
                notBefore(write.event())).forEach(e -> ids.add(e.id()));
        return ids;
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        Read read = read(write);
        UnityListing listing = read.listing();
        if (listing.error() != null) {
            return new VerifyOutcome.Undetermined(listing.error(), listing.exchange(), listing.retryAfter());
        }
        UnityListing.Entry entry = listing.entry(write.remote().id());
        if (entry == null) {
            return listing.unreadable() ? new VerifyOutcome.Undetermined(unreadable(), listing.exchange())
                    : new VerifyOutcome.NotYetReadable(listing.exchange());
        }
        List<String> different = listing.differences(read.expected(), entry);
        ReadBack.Present seen = present(entry, listing.exchange());
        return different.isEmpty() ? new VerifyOutcome.Verified(listing.exchange(), seen)
                : new VerifyOutcome.Modified(different, listing.exchange(), seen);
    }

    /** The verification listing again: the record by id, or deleted when a readable listing no longer holds it. */
    @Override
    public ReadBack readBack(WriteContext write) {
        UnityListing listing = read(write).listing();
        if (listing.error() != null) {
            return new ReadBack.Undetermined(listing.error(), listing.exchange());
        }
        UnityListing.Entry entry = listing.entry(write.remote().id());
        if (entry == null) {
            return listing.unreadable() ? new ReadBack.Undetermined(unreadable(), listing.exchange())
                    : new ReadBack.Deleted(listing.exchange());
        }
        return present(entry, listing.exchange());
    }

    /** A listed record as read-back compares it: no version (Unity keeps none), its status, a digest of its rows. */
    private static ReadBack.Present present(UnityListing.Entry entry, Exchange exchange) {
        String rows = entry.rows().stream().map(r -> Json.canonical(r.node())).reduce("", String::concat);
        return new ReadBack.Present(null, entry.rows().get(0).text("status"), Json.sha256(rows), exchange);
    }

    private record Read(UnityListing listing, Map<String, String> expected) {
    }

    private Read read(WriteContext write) {
        PatientContext.Resolved ctx = context.resolve(write.event(), false);
        if (ctx.verdict() != PatientContext.Verdict.OK) {
            return new Read(new UnityListing(VeradigmMapping.kind(write.event()), List.of(), true, ctx.error(),
                    new Exchange("POST MagicJson lookup", null, 0), UnityOutcomes.retryAfter(ctx.failed())), Map.of());
        }
        String kind = VeradigmMapping.kind(write.event());
        return new Read(UnityListing.of(client, kind, ctx.patientId(), notBefore(write.event())),
                UnityReadShapes.expected(write.event(), write.part(), settings));
    }

    /** The earliest day a record of this event can carry: the day before it occurred (Unity dates are local). */
    // evidence: veradigm.read.displaydate
    private static LocalDate notBefore(ClinicalEvent event) {
        return LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC).minusDays(1);
    }

    private static VendorError unreadable() {
        return new VendorError(ErrorClass.UNKNOWN, "unrecognised-answer", "the listing holds rows the gateway cannot"
                + " read; one of them may be the record");
    }

    /** How many times this adapter asked Unity for a token. */
    long tokenFetches() {
        return tokens.fetches();
    }
}
