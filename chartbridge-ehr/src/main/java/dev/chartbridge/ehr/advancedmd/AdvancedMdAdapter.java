package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.ehr.ListedRecords;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;
import org.w3c.dom.Element;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes notes and problems to AdvancedMD through its XML-RPC {@code ppmdmsg} actions, within a session from the
 * login dance (one login for many concurrent writes; on fault 1025 one new login and one repeat), throttled
 * below the office key's tier so that the gateway causes no 429. AdvancedMD keeps no identifiers of ours and
 * nothing is idempotent, so an unknown outcome is reconciled by the write's content fingerprint: the patient's
 * records of that kind holding exactly this write's critical content, stored no earlier than the event
 * occurred. Thread-safe.
 */
public final class AdvancedMdAdapter implements EhrAdapter {
    public static final String VENDOR = "advancedmd";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);
    /** Clock skew allowed between the app that stamped {@code occurredAt} and AdvancedMD's record times. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final AdvancedMdSettings settings;
    private final Clock clock;
    private final CachingTokenSource sessions;
    private final PpmdClient client;
    private final PatientContext context;

    public AdvancedMdAdapter(AdvancedMdSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        PpmdTransport transport = new PpmdTransport(settings.connectTimeout(), settings.readTimeout());
        QuotaBudget budget = new QuotaBudget(settings.tier(), settings.requestsPerMinute(), settings.quotaWindow(),
                clock);
        this.sessions = new CachingTokenSource(new SessionLogin(settings, transport, budget, clock),
                Duration.ofSeconds(60), clock);
        this.client = new PpmdClient(sessions, transport, budget);
        this.context = new PatientContext(client, settings.mrnSystem(), clock);
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        String kind = AdvancedMdMapping.kind(event);
        WritePlan plan = ProfilePlanner.plan(PROFILE, event, kind);
        if (!plan.isRefused() && !settings.providers().containsKey(event.author().npi())) {
            return WritePlan.refused("the author's NPI has no AdvancedMD provider id in this connection"
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
        ClinicalEvent event = write.event();
        PatientContext.Resolved ctx = context.resolve(event, event.type() == EventType.NOTE);
        if (ctx.error() != null) {
            Exchange lookup = new Exchange("POST ppmdmsg lookup", null, ctx.failed() == null ? 0
                    : PpmdOutcomes.status(ctx.failed()));
            return PreparedSend.notSent(ctx.refusal() || ctx.failed() == null
                    ? new SendOutcome.Rejected(ctx.error(), lookup)
                    : PpmdOutcomes.ofFailedLookup(ctx.failed(), lookup, clock));
        }
        String provider = settings.providers().get(event.author().npi());
        if (provider == null) {
            return PreparedSend.notSent(new SendOutcome.Rejected(new VendorError(ErrorClass.INVALID, "no-provider",
                    "the author's NPI has no AdvancedMD provider id in this connection"), Exchange.none()));
        }
        AdvancedMdMapping.PpmdWrite w = AdvancedMdMapping.render(event, ctx.patientId(), ctx.visitId(), provider);
        String xml = w.xml();
        return PreparedSend.ready(new RenderedRequest("POST", "ppmdmsg " + w.action(), Map.of(),
                "text/xml; charset=utf-8", xml), () -> post(w, xml));
    }

    private SendOutcome post(AdvancedMdMapping.PpmdWrite w, String xml) {
        Exchange sent = new Exchange("POST ppmdmsg " + w.action(), Json.sha256(xml), 0);
        return PpmdOutcomes.ofSend(client.call(xml), sent, clock, answer -> {
            Element record = PpmdXml.first(answer.doc(), w.kind());
            Exchange ok = new Exchange(sent.request(), sent.requestDigest(), answer.status());
            if (record == null || record.getAttribute("id").isEmpty()) {
                return new SendOutcome.Unknown("success without a record id", ok);
            }
            return new SendOutcome.Created(new RemoteRef(w.kind(), record.getAttribute("id"), null), ok);
        });
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new FindOutcome.Undetermined(listing.error(), listing.exchange(), listing.retryAfter());
        }
        Instant notBefore = write.event().occurredAt().minus(SKEW);
        return listing.records().find(r -> listing.write().differences(r).isEmpty() && !createdBefore(r, notBefore));
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new VerifyOutcome.Undetermined(listing.error(), listing.exchange(), listing.retryAfter());
        }
        return listing.records().verify(write.remote().id(), listing.write()::differences, AdvancedMdAdapter::present);
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
        AdvancedMdMapping.PpmdWrite w = AdvancedMdMapping.render(event, ctx.patientId(), visit,
                settings.providers().getOrDefault(event.author().npi(), ""));
        Exchange ex = new Exchange("POST ppmdmsg " + w.listAction(), null, 0);
        PpmdClient.Call call = client.call(PpmdXml.message(w.listAction(), "api",
                Map.of("patientid", ctx.patientId()), Map.of()));
        if (call instanceof PpmdClient.Sent s && s.reply() instanceof PpmdTransport.Answer a && a.success()) {
            return new Listing(w, PpmdXml.rows(a.doc(), w.kind()), null, new Exchange(ex.request(), null, a.status()),
                    null);
        }
        return new Listing(w, List.of(), PpmdOutcomes.error(call),
                new Exchange(ex.request(), null, PpmdOutcomes.status(call)), PpmdOutcomes.retryAfter(call, clock));
    }

    private static boolean createdBefore(Map<String, String> row, Instant notBefore) {
        try {
            String at = row.get("createdat");
            return at != null && Instant.parse(at).isBefore(notBefore);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** How many times this adapter logged in to AdvancedMD. */
    long logins() {
        return sessions.fetches();
    }
}
