package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.EhrAdapter;
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
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.ehr.ListedRecords;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes to Veradigm (Allscripts) through Unity's Magic save actions, with a GetToken security token cached and
 * fetched once for many concurrent writes (refreshed once, and the call repeated once, when Unity says the token
 * is invalid or expired). Unity answers errors inside HTTP 200 bodies; they are refusals or transient failures,
 * never successes. Unity keeps no identifiers of ours and nothing is idempotent, so an unknown outcome is
 * reconciled by the write's content fingerprint in {@code GetClinicalSummary}: the patient's records of that kind
 * holding exactly this write's content, entered no earlier than the event occurred. Thread-safe.
 */
public final class VeradigmAdapter implements EhrAdapter {
    public static final String VENDOR = "veradigm";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);
    /** Clock skew allowed between the app that stamped {@code occurredAt} and Unity's entry dates. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final VeradigmSettings settings;
    private final CachingTokenSource tokens;
    private final UnityClient client;
    private final PatientContext context;

    public VeradigmAdapter(VeradigmSettings settings, Clock clock) {
        this.settings = settings;
        UnityTransport transport = new UnityTransport(settings.unityUrl(), settings.connectTimeout(),
                settings.readTimeout());
        this.tokens = new CachingTokenSource(new UnityGetToken(settings, transport, clock), Duration.ofSeconds(60),
                clock);
        this.client = new UnityClient(tokens, transport, settings);
        this.context = new PatientContext(client, settings.mrnSystem(), clock);
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        WritePlan plan = ProfilePlanner.plan(PROFILE, event, VeradigmMapping.kind(event));
        if (!plan.isRefused() && settings.writeAsAuthor() && !settings.users().containsKey(event.author().npi())) {
            return WritePlan.refused("the author's NPI has no Unity user in this connection (settings provider.<npi>),"
                    + " and writeAsAuthor is on");
        }
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
        PatientContext.Resolved ctx = context.resolve(write.event(), VeradigmMapping.takesEncounter(write.event()));
        if (ctx.error() != null) {
            Exchange lookup = new Exchange("POST MagicJson lookup", null,
                    ctx.failed() == null ? 0 : UnityOutcomes.status(ctx.failed()));
            return PreparedSend.notSent(ctx.refusal() ? new SendOutcome.Rejected(ctx.error(), lookup)
                    : new SendOutcome.Retryable(null, ctx.error(), lookup));
        }
        VeradigmMapping.UnityWrite w = VeradigmMapping.render(write.event(), write.part(), ctx.encounterId(),
                settings.users());
        String user = appUser(write.event());
        RenderedRequest request = new RenderedRequest("POST", "MagicJson", Map.of(), "application/json",
                client.masked(user, w.action(), ctx.patientId(), w.values(), null));
        return PreparedSend.ready(request, () -> save(user, w, ctx.patientId()));
    }

    private SendOutcome save(String user, VeradigmMapping.UnityWrite w, String patientId) {
        UnityClient.Call call = client.magicAs(user, w.action(), patientId, w.values(), null);
        String digest = call instanceof UnityClient.Sent s ? Json.sha256(s.maskedBody()) : null;
        Exchange sent = new Exchange("POST MagicJson " + w.action(), digest, 0);
        return UnityOutcomes.ofSend(call, sent, answer -> {
            JsonNode rows = PatientContext.rows(call);
            String id = rows == null || rows.isEmpty() ? "" : rows.get(0).path("ID").asText("");
            Exchange ok = new Exchange(sent.request(), sent.requestDigest(), answer.status());
            return id.isEmpty() ? new SendOutcome.Unknown("saved without a record id", ok)
                    : new SendOutcome.Created(new RemoteRef(w.kind(), id, null), ok);
        });
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new FindOutcome.Undetermined(listing.error(), listing.exchange());
        }
        Instant notBefore = write.event().occurredAt().minus(SKEW);
        return listing.records().find(r -> listing.write().differences(r).isEmpty() && !enteredBefore(r, notBefore));
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new VerifyOutcome.Undetermined(listing.error(), listing.exchange());
        }
        return listing.records().verify(write.remote().id(), listing.write()::differences, VeradigmAdapter::present);
    }

    /** The verification listing again: the record by id, or deleted when the patient's chart no longer lists it. */
    @Override
    public ReadBack readBack(WriteContext write) {
        Listing listing = list(write);
        if (listing.error() != null) {
            return new ReadBack.Undetermined(listing.error(), listing.exchange());
        }
        return listing.records().readBack(write.remote().id(), VeradigmAdapter::present);
    }

    /** A listed record as read-back compares it: no version (Unity keeps none), its {@code Status}, a digest. */
    private static ReadBack.Present present(JsonNode row, Exchange exchange) {
        return new ReadBack.Present(null, row.path("Status").asText(null), Json.sha256(Json.canonical(row)),
                exchange);
    }

    private record Listing(VeradigmMapping.UnityWrite write, List<JsonNode> rows, VendorError error,
                           Exchange exchange) {
        ListedRecords<JsonNode> records() {
            return new ListedRecords<>(write.kind(), rows, r -> r.path("ID").asText(), exchange);
        }
    }

    /** The patient's records of the write's kind ({@code GetClinicalSummary}), with the write as rendered. */
    private Listing list(WriteContext write) {
        PatientContext.Resolved ctx = context.resolve(write.event(), false);
        if (ctx.error() != null) {
            return new Listing(null, List.of(), ctx.error(), new Exchange("POST MagicJson lookup", null, 0));
        }
        VeradigmMapping.UnityWrite w = VeradigmMapping.render(write.event(), write.part(), ctx.encounterId(),
                settings.users());
        UnityClient.Call call = client.magic("GetClinicalSummary", ctx.patientId(), List.of(w.kind()), null);
        Exchange ex = new Exchange("POST MagicJson GetClinicalSummary", null, UnityOutcomes.status(call));
        JsonNode rows = PatientContext.rows(call);
        if (rows == null) {
            return new Listing(w, List.of(), UnityOutcomes.error(call), ex);
        }
        List<JsonNode> ofKind = new ArrayList<>();
        rows.forEach(r -> {
            if (!r.has("section") || w.kind().equals(r.path("section").asText())) {
                ofKind.add(r);
            }
        });
        return new Listing(w, ofKind, null, ex);
    }

    private static boolean enteredBefore(JsonNode row, Instant notBefore) {
        try {
            return row.hasNonNull("EntryDate") && Instant.parse(row.get("EntryDate").asText()).isBefore(notBefore);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** The EHR user the save is made as: the author's own Unity user when so configured, else the connection's. */
    private String appUser(ClinicalEvent event) {
        String author = settings.writeAsAuthor() ? settings.users().get(event.author().npi()) : null;
        return author != null ? author : settings.appUserId();
    }

    /** How many times this adapter asked Unity for a token. */
    long tokenFetches() {
        return tokens.fetches();
    }
}
