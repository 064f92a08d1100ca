package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
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
import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.auth.ClientAuthentication;
import dev.chartbridge.ehr.auth.OAuthClientCredentials;
import dev.chartbridge.ehr.auth.TokenSource;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes to athenahealth (athenaOne) through its form-urlencoded v1 API, as the athenahealth profile describes.
 * The gateway authenticates with 2-legged client credentials (secret in HTTP Basic), one cached token per
 * connection, fetched once for many concurrent writes and replaced once when athena refuses it. The patient is
 * found by MRN and never guessed or created; vitals go to an open encounter of that patient.
 *
 * <p>athena keeps no idempotency key and no identifier a client can stamp, so a write whose outcome is unknown is
 * looked for by its content fingerprint: the patient's records of that kind, created since the event happened,
 * holding every critical field the write sent. Read-back compares the same fields of the created record.
 *
 * <p>Thread-safe: the delivery engine calls one instance from many threads.
 */
public final class AthenaAdapter implements EhrAdapter {
    public static final String VENDOR = "athenahealth";
    /** The scope of athenaOne's proprietary API; every write and every lookup ChartBridge makes needs it. */
    public static final String MDP_SCOPE = "athena/service/Athenanet.MDP.*";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);

    private final AthenaSettings settings;
    private final AthenaApi api;
    private final AthenaContext context;
    private final Clock clock;

    /**
     * @param env the gateway's environment (only its clock is used; null for the system clock)
     * @throws dev.chartbridge.core.ChartBridgeException when the connection lacks baseUrl, tokenUrl, clientId, the
     *                                                   client secret, practiceId or settings.departmentId
     */
    public AthenaAdapter(Connection connection, AdapterEnvironment env) {
        this.settings = AthenaSettings.of(connection);
        this.clock = env == null || env.clock() == null ? Clock.systemUTC() : env.clock();
        TokenSource tokens = new CachingTokenSource(new OAuthClientCredentials(settings.tokenUrl(),
                new ClientAuthentication.ClientSecret(settings.clientId(), settings.clientSecret(), true),
                scopes(connection.enabledEventTypes()), clock), Duration.ofSeconds(60), clock);
        this.api = new AthenaApi(settings.apiBase(), tokens, settings.readTimeout());
        this.context = new AthenaContext(api, settings, clock);
    }

    /**
     * The least scopes the enabled event types need. Every athena write ChartBridge makes (and the patient and
     * encounter lookups before it) is a v1 call, so that is the MDP scope alone; no FHIR scope is asked for.
     */
    static List<String> scopes(Set<String> enabledEventTypes) {
        return List.of(MDP_SCOPE);
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        WritePlan plan = ProfilePlanner.plan(PROFILE, event, AthenaMapping.kind(event));
        if (plan.isRefused()) {
            return plan;
        }
        if (settings.mrnSystem() != null && context.mrn(event) == null) {
            return WritePlan.refused("athenahealth finds the patient by MRN: no patient identifier of system "
                    + settings.mrnSystem() + " (/patient/identifiers)");
        }
        if (event.type() == EventType.VITALS
                && !settings.encounterSystem().equals(event.encounterIdentifier().system())) {
            return WritePlan.refused("athenahealth adds vitals to an encounter named by its athena encounter id"
                    + " (identifier system " + settings.encounterSystem() + ", /encounter/identifier)");
        }
        if (event.payload() instanceof AllergyPayload a && (a.substance().display() == null
                || a.substance().display().isBlank())) {
            return WritePlan.refused("athenahealth takes an allergen by name: the substance needs a display"
                    + " (/payload/substance/display)");
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
        AthenaContext.Resolved ctx = context.resolve(write.event(), write.event().type() == EventType.VITALS);
        if (ctx.error() != null) {
            return PreparedSend.notSent(ctx.refused() ? new SendOutcome.Rejected(ctx.error(), ctx.exchange())
                    : new SendOutcome.Retryable(null, ctx.error(), ctx.exchange()));
        }
        AthenaWrite w = AthenaMapping.render(write, ctx.patientId(), ctx.encounterId(), settings);
        String body = AthenaApi.encode(w.form());
        return PreparedSend.ready(new RenderedRequest("POST", w.postPath(), Map.of(),
                "application/x-www-form-urlencoded", body), () -> post(w, body));
    }

    private SendOutcome post(AthenaWrite w, String body) {
        Exchange sent = new Exchange(w.described(), Json.sha256(body), 0);
        AthenaApi.Answer a;
        try {
            a = api.post(w.postPath(), body);
        } catch (AuthException e) {
            return AthenaOutcomes.ofAuth(e, sent);
        } catch (IOException e) {
            return AthenaOutcomes.ofWriteFailure(e, sent);
        }
        Exchange answered = new Exchange(sent.request(), sent.requestDigest(), a.status());
        if (a.status() == 200 && (a.body() == null || !a.body().has("success"))) {
            return new SendOutcome.Unknown("HTTP 200 without a success field", answered);
        }
        if (a.status() == 200 && a.body().path("success").asBoolean(false)) {
            String id = createdId(a, w);
            return id == null ? new SendOutcome.Unknown("success without " + w.answerIdField(), answered)
                    : new SendOutcome.Created(new RemoteRef(w.kind(), id, null), answered);
        }
        return AthenaOutcomes.ofWrite(a, answered, clock);
    }

    /** The created id; for vitals the reading ids joined by commas (blood pressure is two readings). */
    private static String createdId(AthenaApi.Answer a, AthenaWrite w) {
        var node = a.body().get(w.answerIdField());
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            List<String> ids = new ArrayList<>();
            node.forEach(n -> ids.add(n.asText()));
            return ids.size() == w.expected().size() ? String.join(",", ids) : null;
        }
        return node.asText();
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Listed listed = list(write);
        if (listed.error() != null) {
            return new FindOutcome.Undetermined(listed.error(), listed.exchange());
        }
        AthenaWrite w = listed.write();
        if (w.kind().equals("vitals") && listed.records().isEmpty()) {
            // An empty vitals list is no proof of absence: the practice may hide vitals from the API.
            return new FindOutcome.Undetermined(new VendorError(ErrorClass.UNKNOWN, "no-vitals-listed",
                    "athenahealth lists no vitals for the patient (vitals may be hidden by a practice setting);"
                            + " cannot tell whether the write landed"), listed.exchange());
        }
        List<List<RemoteRef>> perRecord = new ArrayList<>();
        for (var expected : w.expected()) {
            perRecord.add(listed.records().matching(w.kind(), expected, write.event().occurredAt()));
        }
        if (perRecord.stream().allMatch(List::isEmpty)) {
            return new FindOutcome.Absent(listed.exchange());
        }
        if (perRecord.stream().allMatch(c -> c.size() == 1)) {
            String ids = String.join(",", perRecord.stream().map(c -> c.get(0).id()).toList());
            return new FindOutcome.Found(new RemoteRef(w.kind(), ids, null), listed.exchange());
        }
        return new FindOutcome.Ambiguous(perRecord.stream().flatMap(List::stream).distinct().toList(),
                listed.exchange());
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        Listed listed = list(write);
        if (listed.error() != null) {
            return new VerifyOutcome.Undetermined(listed.error(), listed.exchange());
        }
        AthenaWrite w = listed.write();
        String[] ids = write.remote().id().split(",");
        List<String> different = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            var row = listed.records().byId(ids[i]);
            if (row == null) {
                if (w.kind().equals("vitals")) {
                    // Accepted with ids but not listed: the "vitals hidden" practice toggle. Re-checked until the
                    // pending deadline, then a human looks.
                    return new VerifyOutcome.NotYetReadable(listed.exchange());
                }
                different.add("record");
                continue;
            }
            for (String f : ChartRecords.differences(w.expected().get(Math.min(i, w.expected().size() - 1)), row)) {
                if (!different.contains(f)) {
                    different.add(f);
                }
            }
        }
        ReadBack.Present seen = state(listed, write) instanceof ReadBack.Present p ? p : null;
        return different.isEmpty() ? new VerifyOutcome.Verified(listed.exchange(), seen)
                : new VerifyOutcome.Modified(different, listed.exchange(), seen);
    }

    /**
     * The verification listing again. Every record of the write gone is a deletion; a vitals reading not listed
     * may be the practice's "vitals hidden" toggle, so that cannot tell.
     */
    @Override
    public ReadBack readBack(WriteContext write) {
        Listed listed = list(write);
        if (listed.error() != null) {
            return new ReadBack.Undetermined(listed.error(), listed.exchange());
        }
        return state(listed, write);
    }

    /** The write's records in the listing: their status (the first listed one's) and a digest of all of them. */
    private static ReadBack state(Listed listed, WriteContext write) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        String status = null;
        boolean anyListed = false;
        for (String id : write.remote().id().split(",")) {
            JsonNode row = listed.records().byId(id);
            rows.add(row == null ? NullNode.getInstance() : row);
            if (row != null) {
                anyListed = true;
                status = status != null ? status : row.path("status").asText(null);
            }
        }
        if (!anyListed) {
            return listed.write().kind().equals("vitals")
                    ? new ReadBack.Undetermined(VendorError.of(ErrorClass.NOT_FOUND, "vitals not listed (hidden?)"),
                    listed.exchange())
                    : new ReadBack.Deleted(listed.exchange());
        }
        return new ReadBack.Present(null, status, Json.sha256(Json.canonical(rows)), listed.exchange());
    }

    private record Listed(AthenaWrite write, ChartRecords records, VendorError error, Exchange exchange) {
    }

    /** The patient's records of the write's kind; the encounter need not be open any more. */
    private Listed list(WriteContext write) {
        AthenaContext.Resolved ctx = context.resolve(write.event(), false);
        if (ctx.error() != null) {
            return new Listed(null, null, ctx.error(), ctx.exchange());
        }
        AthenaWrite w = AthenaMapping.render(write, ctx.patientId(), ctx.encounterId(), settings);
        Exchange ex = new Exchange("GET " + w.listPath().replaceAll("/\\d+", "/{id}"), null, 0);
        try {
            AthenaApi.Answer a = api.get(w.listPath());
            Exchange answered = new Exchange(ex.request(), null, a.status());
            if (a.status() != 200 || a.body() == null) {
                return new Listed(w, null, AthenaOutcomes.error(a), answered);
            }
            return new Listed(w, new ChartRecords(a.body(), w, settings.zone()), null, answered);
        } catch (AuthException e) {
            return new Listed(w, null, AthenaOutcomes.ofAuth(e), ex);
        } catch (IOException e) {
            return new Listed(w, null, AthenaOutcomes.ofFailure(e), ex);
        }
    }
}
