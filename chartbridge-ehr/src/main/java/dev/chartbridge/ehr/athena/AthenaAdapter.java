package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
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
import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.AdapterEnvironment;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.auth.ClientAuthentication;
import dev.chartbridge.ehr.auth.OAuthClientCredentials;
import dev.chartbridge.ehr.auth.TokenCheck;
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
 * Writes to athenahealth (athenaOne) through its form-urlencoded v1 API, as docs/evidence/athenahealth.yaml records
 * it. 2-legged client credentials (secret in HTTP Basic), one cached token per connection for its lifetime, new
 * tokens never asked for faster than athena's per-minute limit. The patient is found by the practice's MRN custom
 * field (or athena's patient id), never guessed or created; the encounter is proven to be that patient's; allergens
 * and medications are athena's own reference ids, looked up by exact name.
 *
 * <p>athena keeps no idempotency key and no identifier a client can stamp, so a write whose outcome is unknown is
 * looked for by its content in athena's READ shape ({@link AthenaReadMapping}): the patient's records of that kind,
 * created since the event happened, holding every critical field of the write. Verification compares the same read
 * fields of the created record. An answer in a shape the adapter does not recognise is undetermined (review), never
 * found, absent or verified.
 *
 * <p>Thread-safe: the delivery engine calls one instance from many threads.
 */
// evidence: athena.records.no-version
public final class AthenaAdapter implements EhrAdapter {
    public static final String VENDOR = "athenahealth";
    /** The scope of athenaOne's proprietary API; every write and every lookup ChartBridge makes needs it. */
    // evidence: athena.auth.mdp-scope
    public static final String MDP_SCOPE = "athena/service/Athenanet.MDP.*";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);

    private final AthenaSettings settings;
    private final AthenaApi api;
    private final AthenaContext context;
    private final AthenaReference reference;
    private final Clock clock;
    private final TokenSource tokens;

    /**
     * @param env the gateway's environment (only its clock is used; null for the system clock)
     * @throws dev.chartbridge.core.ChartBridgeException when a required connection setting is missing
     */
    // evidence: athena.auth.token-endpoint, athena.auth.client-secret-basic, athena.auth.token-lifetime
    public AthenaAdapter(Connection connection, AdapterEnvironment env) {
        this.settings = AthenaSettings.of(connection);
        this.clock = env == null || env.clock() == null ? Clock.systemUTC() : env.clock();
        this.tokens = new CachingTokenSource(new TokenRequestBudget(new OAuthClientCredentials(
                settings.tokenUrl(), new ClientAuthentication.ClientSecret(settings.clientId(),
                settings.clientSecret(), true), scopes(connection.enabledEventTypes()), clock),
                settings.tokenRequestsPerMinute(), clock), Duration.ofSeconds(60), clock)
                .countedBy(env == null ? dev.chartbridge.ehr.auth.TokenMetrics.NONE : env.tokenMetrics());
        this.api = new AthenaApi(settings.apiBase(), tokens, settings.readTimeout());
        this.context = new AthenaContext(api, settings, clock);
        this.reference = new AthenaReference(api, clock);
    }

    /** The least scopes: every athena call ChartBridge makes is a v1 call, so the MDP scope alone. */
    static List<String> scopes(Set<String> enabledEventTypes) {
        return List.of(MDP_SCOPE);
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    /**
     * A token can be had (from the cache while it is valid: no token request beyond the writes' own). athena
     * documents no read that is harmless and free of patient data on every practice, so the API base itself is
     * proven by the writes.
     */
    @Override
    public ConnectionCheck check() {
        return TokenCheck.of(tokens, "token issued (the v1 API is checked by the writes)");
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        WritePlan plan = ProfilePlanner.plan(PROFILE, event, AthenaMapping.kind(event));
        if (plan.isRefused()) {
            return plan;
        }
        if (context.patientIdentifier(event) == null) {
            return WritePlan.refused("athenahealth finds the patient by " + (settings.patientLookup()
                    .equals(AthenaSettings.CUSTOM_FIELD) ? "the MRN in a practice custom field: no patient identifier"
                    + " of system " + settings.mrnSystem() : "athena's patient id: no patient identifier of system "
                    + settings.patientIdSystem()) + " (/patient/identifiers)");
        }
        if (event.type() == EventType.VITALS && (event.encounterIdentifier() == null
                || !settings.encounterSystem().equals(event.encounterIdentifier().system()))) {
            return WritePlan.refused("athenahealth adds vitals to an encounter named by its athena encounter id"
                    + " (identifier system " + settings.encounterSystem() + ", /encounter/identifier)");
        }
        if (event.payload() instanceof AllergyPayload a && blank(a.substance().display())) {
            return WritePlan.refused("athenahealth takes an allergen from its own reference list, looked up by name:"
                    + " the substance needs a display (/payload/substance/display)");
        }
        if (event.payload() instanceof MedicationChangePayload m && blank(m.medication().display())) {
            return WritePlan.refused("athenahealth takes a medication from its own reference list (not an RxNorm"
                    + " code), looked up by name: the medication needs a display (/payload/medication/display)");
        }
        return plan;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public SendOutcome send(WriteContext write) {
        return prepare(write).send();
    }

    @Override
    public RenderOutcome render(WriteContext write) {
        return prepare(write).render();
    }

    /** The write, with everything looked up; or why it is not sent. */
    private record Rendered(AthenaWrite write, SendOutcome notSent) {
    }

    private Rendered rendered(WriteContext write, boolean forSend) {
        ClinicalEvent event = write.event();
        AthenaContext.Resolved ctx = context.resolve(event, forSend && event.type() == EventType.VITALS);
        if (ctx.error() != null) {
            return new Rendered(null, notSent(ctx.error(), ctx.refused(), ctx.review(), ctx.exchange()));
        }
        AthenaReference.Lookup ref = null;
        if (event.payload() instanceof AllergyPayload a) {
            ref = reference.allergen(a.substance().display());
        } else if (event.payload() instanceof MedicationChangePayload m) {
            ref = reference.medication(m.medication().display());
        }
        if (ref != null && ref.error() != null) {
            return new Rendered(null, notSent(ref.error(), ref.refused(), ref.review(), ref.exchange()));
        }
        return new Rendered(AthenaMapping.render(write, ctx, ref, settings), null);
    }

    private static SendOutcome notSent(VendorError error, boolean refused, boolean review, Exchange ex) {
        if (review) {
            return new SendOutcome.Conflict(error, ex);
        }
        return refused ? new SendOutcome.Rejected(error, ex) : new SendOutcome.Retryable(null, error, ex).unsent();
    }

    private PreparedSend prepare(WriteContext write) {
        Rendered r = rendered(write, true);
        if (r.notSent() != null) {
            return PreparedSend.notSent(r.notSent());
        }
        AthenaWrite w = r.write();
        if (w.kind().equals("allergy")) {
            SendOutcome blocked = allergenAlreadyListed(write, w);
            if (blocked != null) {
                return PreparedSend.notSent(blocked);
            }
        }
        String body = AthenaApi.encode(w.form());
        return PreparedSend.ready(new RenderedRequest(w.method(), w.path(), Map.of(), AthenaApi.FORM, body),
                () -> post(w, body));
    }

    /**
     * athena keeps one allergy entry per allergen and its PUT replaces that entry: a write for an allergen already
     * on the list would change a clinician's entry and could never be told apart from it afterwards. So the list is
     * read first; the allergen listed goes to review, a list that cannot be read waits (nothing was sent).
     */
    // evidence: athena.allergies.update, athena.allergies.one-per-allergen
    private SendOutcome allergenAlreadyListed(WriteContext write, AthenaWrite w) {
        Listed listed = read(w);
        if (listed.error() != null) {
            boolean unknownShape = "unrecognised-answer".equals(listed.error().vendorCode());
            return unknownShape ? new SendOutcome.Conflict(listed.error(), listed.exchange())
                    : new SendOutcome.Retryable(null, listed.error(), listed.exchange()).unsent();
        }
        if (listed.records().byId(w.knownId()) != null) {
            return new SendOutcome.Conflict(new VendorError(ErrorClass.CONFLICT, "allergen-listed", "the allergen is"
                    + " already on the patient's athenahealth allergy list (one entry per allergen, replaced by a"
                    + " write): a clinician decides; nothing was sent"), listed.exchange());
        }
        return null;
    }

    // evidence: athena.answer.success-flag, athena.vitals.create-answer, athena.problems.create-answer, athena.medications.create-answer, athena.allergies.update-answer, athena.documents.clinical-create-answer
    private SendOutcome post(AthenaWrite w, String body) {
        Exchange sent = new Exchange(w.described(), Json.sha256(body), 0);
        AthenaApi.Answer a;
        try {
            a = api.write(w.method(), w.path(), body);
        } catch (AuthException e) {
            return AthenaOutcomes.ofAuth(e, sent);
        } catch (IOException e) {
            return AthenaOutcomes.ofWriteFailure(e, sent);
        }
        Exchange answered = new Exchange(sent.request(), sent.requestDigest(), a.status());
        if (a.status() != 200) {
            return AthenaOutcomes.ofWrite(a, answered, clock);
        }
        Boolean success = AthenaOutcomes.success(a.body());
        if (success == null) {
            return new SendOutcome.Unknown("HTTP 200 without a recognised success field; reconciling", answered);
        }
        if (!success) {
            return AthenaOutcomes.ofWrite(a, answered, clock);
        }
        String id = createdId(a.body(), w);
        return id == null ? new SendOutcome.Unknown("success without " + (w.answerId() == null ? "an id"
                : w.answerId()) + " in a recognised form; reconciling by content", answered)
                : new SendOutcome.Created(new RemoteRef(w.kind(), id, null), answered);
    }

    /**
     * The created record's id: the allergen's (known before sending); for vitals the reading ids matched to the
     * readings by {@code clinicalelementid} and joined by commas (blood pressure is two readings); else the answer's
     * id field. Null when the answer does not carry it in a recognised form.
     */
    static String createdId(JsonNode body, AthenaWrite w) {
        if (w.knownId() != null) {
            return w.knownId();
        }
        JsonNode node = body.get(w.answerId());
        if (node == null || node.isNull()) {
            return null;
        }
        if (!w.kind().equals("vitals")) {
            return node.isValueNode() && !node.asText().isBlank() ? node.asText() : null;
        }
        if (!node.isArray() || node.size() != w.expected().size()) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isObject() || !v.hasNonNull("vitalid") || !w.expected().get(i).get("clinicalelementid")
                    .equals(v.path("clinicalelementid").asText())) {
                return null;
            }
            ids.add(v.get("vitalid").asText());
        }
        return String.join(",", ids);
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Listed listed = list(write);
        if (listed.error() != null) {
            return new FindOutcome.Undetermined(listed.error(), listed.exchange());
        }
        AthenaWrite w = listed.write();
        // Vitals are pinned by their reading time, an allergy by its allergen (checked absent before the send).
        boolean byTime = !w.kind().equals("vitals") && !w.kind().equals("allergy");
        List<List<RemoteRef>> perRecord = new ArrayList<>();
        for (Map<String, String> expected : w.expected()) {
            ChartRecords.Matches m = listed.records().matching(expected, byTime ? write.event().occurredAt() : null,
                    settings.zone());
            if (m.unstamped() > 0) {
                return new FindOutcome.Undetermined(AthenaContext.unrecognised("a matching " + w.kind()
                        + " carries no creation time, so it cannot be told from an earlier one"), listed.exchange());
            }
            perRecord.add(m.rows().stream().map(r -> new RemoteRef(w.kind(), r.id(), null)).toList());
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
        if (ids.length != w.expected().size()) {
            return new VerifyOutcome.Undetermined(AthenaContext.unrecognised("the write's record ids do not match"
                    + " its readings"), listed.exchange());
        }
        List<String> different = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            AthenaReadMapping.Row row = listed.records().byId(ids[i]);
            List<String> diff = row == null ? List.of("record") : ChartRecords.differences(w.expected().get(i), row);
            diff.stream().filter(f -> !different.contains(f)).forEach(different::add);
        }
        ReadBack.Present seen = state(listed, write) instanceof ReadBack.Present p ? p : null;
        return different.isEmpty() ? new VerifyOutcome.Verified(listed.exchange(), seen)
                : new VerifyOutcome.Modified(different, listed.exchange(), seen);
    }

    /** The verification read again: every record of the write gone is a deletion. */
    @Override
    public ReadBack readBack(WriteContext write) {
        Listed listed = list(write);
        if (listed.error() != null) {
            return new ReadBack.Undetermined(listed.error(), listed.exchange());
        }
        return state(listed, write);
    }

    /** The write's records as read: the first listed one's status and a digest of all of them. */
    private static ReadBack state(Listed listed, WriteContext write) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        String status = null;
        boolean anyListed = false;
        for (String id : write.remote().id().split(",")) {
            AthenaReadMapping.Row row = listed.records().byId(id);
            rows.add(row == null ? NullNode.getInstance() : row.raw());
            if (row != null) {
                anyListed = true;
                status = status != null ? status : row.status();
            }
        }
        return anyListed ? new ReadBack.Present(null, status, Json.sha256(Json.canonical(rows)), listed.exchange())
                : new ReadBack.Deleted(listed.exchange());
    }

    private record Listed(AthenaWrite write, ChartRecords records, VendorError error, Exchange exchange) {
    }

    /** The records of the write's kind (the encounter need not be open any more). */
    private Listed list(WriteContext write) {
        Rendered r = rendered(write, false);
        if (r.notSent() != null) {
            return new Listed(null, null, errorOf(r.notSent()), exchangeOf(r.notSent()));
        }
        return read(r.write());
    }

    // evidence: athena.problems.list, athena.allergies.list, athena.medications.list, athena.vitals.encounter-list, athena.documents.list
    private Listed read(AthenaWrite w) {
        String described = "GET " + w.readPath().replaceAll("\\?.*", "").replaceAll("/\\d+", "/{id}");
        try {
            if (w.kind().equals("clinicaldocument")) {
                AthenaPages.Listed pages = AthenaPages.list(api, w.readPath(), "documents", described);
                if (pages.error() != null) {
                    return new Listed(w, null, pages.error(), pages.exchange());
                }
                return new Listed(w, new ChartRecords(AthenaReadMapping.documents(pages.rows())), null,
                        pages.exchange());
            }
            AthenaApi.Answer a = api.get(w.readPath());
            Exchange answered = new Exchange(described, null, a.status());
            if (a.status() != 200) {
                return new Listed(w, null, AthenaOutcomes.error(a), answered);
            }
            return new Listed(w, new ChartRecords(AthenaReadMapping.rows(w.kind(), a.body())), null, answered);
        } catch (AthenaReadMapping.Unrecognised e) {
            return new Listed(w, null, AthenaContext.unrecognised(e.getMessage()), new Exchange(described, null, 200));
        } catch (AuthException e) {
            return new Listed(w, null, AthenaOutcomes.ofAuth(e), new Exchange(described, null, 0));
        } catch (IOException e) {
            return new Listed(w, null, AthenaOutcomes.ofFailure(e), new Exchange(described, null, 0));
        }
    }

    private static VendorError errorOf(SendOutcome o) {
        if (o instanceof SendOutcome.Rejected r) {
            return r.error();
        }
        if (o instanceof SendOutcome.Retryable r) {
            return r.error();
        }
        return o instanceof SendOutcome.Conflict c ? c.error() : VendorError.of(ErrorClass.UNKNOWN, "lookup failed");
    }

    private static Exchange exchangeOf(SendOutcome o) {
        if (o instanceof SendOutcome.Rejected r) {
            return r.exchange();
        }
        if (o instanceof SendOutcome.Retryable r) {
            return r.exchange();
        }
        return o instanceof SendOutcome.Conflict c ? c.exchange() : Exchange.none();
    }
}
