package dev.chartbridge.ehr.advancedmd;

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
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.ListedRecords;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.auth.TokenCheck;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.w3c.dom.Element;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes notes and problems to AdvancedMD through its XML-RPC {@code ppmdmsg} actions, within a session from the
 * login dance (one login for many concurrent writes; on a lapsed session one new login and one repeat), budgeted per
 * cost class below AdvancedMD's caps so that the gateway never causes a billed overrun. AdvancedMD keeps no
 * identifiers of ours and nothing is idempotent, so an unknown outcome is reconciled by content, read in
 * AdvancedMD's read shapes ({@link AdvancedMdReadMapping}): the patient's records of that kind holding exactly this
 * write's critical content, made no earlier than the event occurred. An answer in a shape the gateway does not know
 * proves nothing: find, verify and read-back are undetermined. Thread-safe.
 */
// evidence: amd.behaviour.no-idempotency, amd.behaviour.no-version, amd.action.updateehrnote
// evidence: amd.action.updateehrproblem, amd.fhir.read-only
public final class AdvancedMdAdapter implements EhrAdapter {
    public static final String VENDOR = "advancedmd";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);
    /** Clock skew allowed between the app that stamped {@code occurredAt} and AdvancedMD's record times. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final AdvancedMdSettings settings;
    private final Clock clock;
    private final CachingTokenSource sessions;
    private final CallBudget budget;
    private final PpmdClient client;
    private final PatientContext context;

    /** An adapter whose calls-per-tier metric is kept in a registry of its own. */
    public AdvancedMdAdapter(AdvancedMdSettings settings, Clock clock) {
        this(settings, clock, new SimpleMeterRegistry());
    }

    /** @param meters where the calls-per-tier counter ({@code chartbridge.advancedmd.calls}) is registered */
    public AdvancedMdAdapter(AdvancedMdSettings settings, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.clock = clock;
        PpmdTransport transport = new PpmdTransport(settings.connectTimeout(), settings.readTimeout());
        this.budget = new CallBudget(settings.requestsPerMinute(), settings.quotaWindow(), clock,
                settings.officeKey(), meters);
        this.sessions = new CachingTokenSource(new SessionLogin(settings, transport, budget, clock),
                Duration.ofSeconds(60), clock);
        this.client = new PpmdClient(sessions, transport, budget, settings, clock);
        this.context = new PatientContext(client, settings.mrnSystem(), clock);
    }

    /** Counts this adapter's logins (session requests) in {@code metrics}; returns this adapter. */
    public AdvancedMdAdapter countingSessions(dev.chartbridge.ehr.auth.TokenMetrics metrics) {
        sessions.countedBy(metrics);
        return this;
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    /**
     * A session can be had: the cached one while it lasts, so the check makes no login beyond the writes' own
     * (AdvancedMD limits logins separately). The login follows the partner login's redirect, so an UP check also
     * proves the practice's web server.
     */
    @Override
    public ConnectionCheck check() {
        return TokenCheck.of(sessions, "session open");
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        String kind = AdvancedMdMapping.kind(event);
        WritePlan plan = ProfilePlanner.plan(PROFILE, event, kind);
        if (plan.isRefused()) {
            return plan;
        }
        if (event.type() == EventType.NOTE && !settings.noteTemplate()) {
            return WritePlan.refused("AdvancedMD files a note as an EHR template (a template id and its fields), and"
                    + " this connection names none (settings.noteTemplateId and settings.noteTextField)");
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
        ClinicalEvent event = write.event();
        PatientContext.Resolved ctx = context.resolve(event, event.type() == EventType.NOTE);
        if (ctx.error() != null) {
            Exchange lookup = new Exchange("POST ppmdmsg lookup", null, ctx.failed() == null ? 0
                    : PpmdOutcomes.status(ctx.failed()));
            return PreparedSend.notSent(ctx.refusal() || ctx.failed() == null
                    ? new SendOutcome.Rejected(ctx.error(), lookup)
                    : PpmdOutcomes.ofFailedLookup(ctx.failed(), lookup, clock));
        }
        AdvancedMdMapping.PpmdWrite w = AdvancedMdMapping.render(event, ctx.patientId(), ctx.visitId(), settings);
        String shown = w.request().xml(SessionLogin.msgtime(clock, settings), PpmdXml.TOKEN_PLACEHOLDER);
        return PreparedSend.ready(new RenderedRequest("POST", "ppmdmsg " + w.request().action(), Map.of(),
                PpmdTransport.CONTENT_TYPE, shown), () -> post(w));
    }

    private SendOutcome post(AdvancedMdMapping.PpmdWrite w) {
        String action = w.request().action();
        Exchange sent = new Exchange("POST ppmdmsg " + action,
                Json.sha256(w.request().xml("", PpmdXml.TOKEN_PLACEHOLDER)), 0);
        return PpmdOutcomes.ofSend(client.call(w.request()), sent, clock, answer -> {
            Exchange ok = new Exchange(sent.request(), sent.requestDigest(), answer.status());
            String id = createdId(answer, w.kind());
            return id == null ? new SendOutcome.Unknown("success without a record id in a known place", ok)
                    : new SendOutcome.Created(new RemoteRef(w.kind(), id, null), ok);
        });
    }

    /**
     * The new record's id: the {@code id} attribute of the one element of the record's kind directly in the
     * results; null in any other shape (the write is then found by reading the chart).
     */
    // evidence: amd.response.addehrnote-id, amd.response.addehrproblem-id
    private static String createdId(PpmdTransport.Answer answer, String kind) {
        Element results = PpmdXml.results(answer.doc());
        List<Element> records = results == null ? List.of() : PpmdXml.children(results, kind);
        return records.size() == 1 && !records.get(0).getAttribute("id").isBlank()
                ? records.get(0).getAttribute("id") : null;
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new FindOutcome.Undetermined(listing.error(), listing.exchange(), listing.retryAfter());
        }
        Instant notBefore = write.event().occurredAt().minus(SKEW);
        List<Map<String, String>> holding = listing.rows().stream()
                .filter(r -> AdvancedMdReadMapping.differences(listing.write().expected(), r).isEmpty()).toList();
        if (holding.stream().anyMatch(r -> r.get("at") == null)) {
            return new FindOutcome.Undetermined(VendorError.of(ErrorClass.UNKNOWN, "a record holding this content"
                    + " carries no readable creation time: whether it is this write cannot be told"),
                    listing.exchange(), null);
        }
        return listing.records().find(r -> holding.contains(r) && !Instant.parse(r.get("at")).isBefore(notBefore));
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new VerifyOutcome.Undetermined(listing.error(), listing.exchange(), listing.retryAfter());
        }
        return listing.records().verify(write.remote().id(),
                r -> AdvancedMdReadMapping.differences(listing.write().expected(), r), AdvancedMdAdapter::present);
    }

    /** The verification listing again: the record by id, or deleted when the patient's chart no longer lists it. */
    @Override
    public ReadBack readBack(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new ReadBack.Undetermined(listing.error(), listing.exchange());
        }
        return listing.records().readBack(write.remote().id(), AdvancedMdAdapter::present);
    }

    /** A listed record as read-back compares it: no version (AdvancedMD keeps none), its status, a digest. */
    private static ReadBack.Present present(Map<String, String> row, Exchange exchange) {
        return new ReadBack.Present(null, row.get("status"),
                Json.sha256(Json.canonical(Json.MAPPER.valueToTree(new TreeMap<>(row)))), exchange);
    }

    /**
     * The patient's records of the write's kind, with the write as it was rendered; or why not, and how long the
     * failed call asked to wait ({@code retryAfter}, null when it named no wait).
     */
    private record Listing(AdvancedMdMapping.PpmdWrite write, List<Map<String, String>> rows, VendorError error,
                           Exchange exchange, Duration retryAfter) {
        ListedRecords<Map<String, String>> records() {
            return new ListedRecords<>(write.kind(), rows, r -> r.get("id"), exchange);
        }
    }

    private Listing list(WriteContext write) {
        ClinicalEvent event = write.event();
        PatientContext.Resolved ctx = context.resolve(event, false);
        if (ctx.error() != null) {
            return new Listing(null, List.of(), ctx.error(), new Exchange("POST ppmdmsg lookup", null, 0),
                    ctx.failed() == null ? null : PpmdOutcomes.retryAfter(ctx.failed(), clock));
        }
        String visit = event.type() == EventType.NOTE && event.encounterIdentifier() != null
                ? event.encounterIdentifier().value() : null;
        AdvancedMdMapping.PpmdWrite w = AdvancedMdMapping.render(event, ctx.patientId(), visit, settings);
        PpmdRequest read = AdvancedMdReadMapping.request(w.kind(), ctx.patientId(), settings);
        Exchange ex = new Exchange("POST ppmdmsg " + read.action(), null, 0);
        PpmdClient.Call call = client.call(read);
        if (call instanceof PpmdClient.Sent s && s.reply() instanceof PpmdTransport.Answer a && a.success()) {
            Exchange done = new Exchange(ex.request(), null, a.status());
            AdvancedMdReadMapping.Listing listing = AdvancedMdReadMapping.read(w.kind(), a.doc(),
                    settings.timeZone());
            if (listing.unrecognised() != null) {
                return new Listing(w, List.of(), new VendorError(ErrorClass.UNKNOWN, "unrecognised-answer",
                        "AdvancedMD's " + read.action() + " answer is in a shape the gateway does not know ("
                                + listing.unrecognised() + ")"), done, null);
            }
            return new Listing(w, listing.records(), null, done, null);
        }
        return new Listing(w, List.of(), PpmdOutcomes.error(call),
                new Exchange(ex.request(), null, PpmdOutcomes.status(call)), PpmdOutcomes.retryAfter(call, clock));
    }

    /** How many times this adapter logged in to AdvancedMD. */
    long logins() {
        return sessions.fetches();
    }

    /** How many calls of each cost class this adapter made (the tags of {@code chartbridge.advancedmd.calls}). */
    public Map<String, Long> callsPerTier() {
        Map<String, Long> out = new TreeMap<>();
        for (ActionTier tier : ActionTier.values()) {
            out.put(tier.tag(), budget.taken(tier));
        }
        return out;
    }
}
