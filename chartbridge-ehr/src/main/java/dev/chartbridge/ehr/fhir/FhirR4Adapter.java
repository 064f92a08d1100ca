package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import dev.chartbridge.core.adapter.CheckReport;
import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ProvenanceContext;
import dev.chartbridge.core.adapter.ProvenanceWriter;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;
import org.hl7.fhir.r4.model.Resource;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * Writes to any standard FHIR R4 server. Each create carries the gateway's write identifier and is conditional on
 * it ({@code If-None-Exist}), so even a resend after an unknown outcome cannot make a second copy on a server
 * that honours conditional create; an unknown outcome is still searched for, among the patient's records, before
 * anything is resent. Patients and encounters are resolved by identifier, never guessed, and the encounter must be
 * the patient's ({@link ContextResolver}); a lookup that failed for a passing reason defers the write unsent. The provenance of an AI-assisted event is sent as a
 * FHIR Provenance of the records written ({@link FhirProvenanceWriter}). Thread-safe.
 */
// evidence: fhir.search.type, fhir.create.conditional, fhir.read, fhir.update.if-match
public final class FhirR4Adapter implements EhrAdapter, ProvenanceWriter {
    public static final String VENDOR = "fhir-r4";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);

    private final FhirServer server;
    private final ContextResolver context;
    private final FhirRecordUpdater updater;
    private final MarkedCreate creates;
    private final FhirProvenanceWriter provenance;

    private final java.util.Set<String> eventTypes;
    private final String testPatient;

    public FhirR4Adapter(FhirConnection connection) {
        this(connection, java.util.Map.of(), PROFILE.events().keySet());
    }

    /**
     * @param settings   the connection's extras: {@code testPatient} (a patient id {@link #inspect()} reads),
     *                   {@code propagateTrace} ({@code true} unless set otherwise: send {@code traceparent})
     * @param eventTypes the event types the tenant enabled on this connection
     */
    public FhirR4Adapter(FhirConnection connection, java.util.Map<String, String> settings,
                         java.util.Set<String> eventTypes) {
        this.eventTypes = java.util.Set.copyOf(eventTypes);
        this.testPatient = settings.get("testPatient");
        this.server = new FhirServer(connection, TraceparentHeader.on(settings.get("propagateTrace"), true)
                ? java.util.List.of(new TraceparentHeader()) : java.util.List.of());
        Searchset searches = new Searchset(server, Supplier::get);
        SearchRules rules = SearchRules.of(VENDOR);
        this.context = new ContextResolver(searches, rules, Clock.systemUTC());
        this.updater = new FhirRecordUpdater(server, Supplier::get, PROFILE.versionsRecords());
        this.creates = new MarkedCreate(server, searches, rules, MarkedCreate.BY_IDENTIFIER);
        this.provenance = new FhirProvenanceWriter(server, searches, rules);
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    /** The server's CapabilityStatement ({@link MetadataCheck}); no token, this adapter takes none. */
    @Override
    public ConnectionCheck check() {
        return MetadataCheck.of(server);
    }

    /** The CapabilityStatement against the profile's writes and a read of the test patient ({@link LiveCheck}). */
    @Override
    public CheckReport inspect() {
        return LiveCheck.inspect(server, PROFILE, eventTypes, null, testPatient);
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        return ProfilePlanner.plan(PROFILE, event, FhirR4Mapping.resourceType(event));
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
        ContextResolver.Resolved ctx = context.resolve(write.event());
        if (ctx.error() != null) {
            return PreparedSend.notSent(ctx.notSent());
        }
        return creates.prepare(FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId()), write.operationKey(),
                ctx.patientId());
    }

    /** The patient's records carrying this write's identifier (the search is patient-scoped and bypasses caches). */
    @Override
    public FindOutcome find(WriteContext write) {
        ContextResolver.Resolved ctx = context.resolve(write.event());
        if (ctx.error() != null) {
            return new FindOutcome.Undetermined(ctx.error(), ctx.exchange(), ctx.retryAfter());
        }
        return creates.find(write.resourceType(), write.operationKey(), ctx.patientId());
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        RemoteRef remote = write.remote();
        ContextResolver.Resolved ctx = context.resolve(write.event());
        if (ctx.error() != null) {
            return new VerifyOutcome.Undetermined(ctx.error(), ctx.exchange());
        }
        return ReadCompare.verify(remote, () -> read(remote), actual -> CriticalFields.differences(
                FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId()), actual));
    }

    @Override
    public WritePlan planUpdate(ClinicalEvent amendment) {
        return ProfilePlanner.planUpdate(PROFILE, amendment, FhirR4Mapping.resourceType(amendment));
    }

    /** {@code PUT} with {@code If-Match: W/"<stored version>"}; see {@link FhirRecordUpdater}. */
    @Override
    public UpdateOutcome update(UpdateContext update) {
        ContextResolver.Resolved ctx = context.resolve(update.event());
        return ctx.error() != null ? new UpdateOutcome.Sent(ctx.notSent())
                : updater.update(update, ctx.patientId(), ctx.encounterId());
    }

    @Override
    public FindOutcome findUpdate(UpdateContext update) {
        return inContext(update, FindOutcome.Undetermined::new, (p, e) -> updater.find(update, p, e));
    }

    @Override
    public VerifyOutcome verifyUpdate(UpdateContext update) {
        return inContext(update, VerifyOutcome.Undetermined::new, (p, e) -> updater.verify(update, p, e));
    }

    /** Runs {@code step} with the resolved patient and encounter ids, or answers why they could not be resolved. */
    private <T> T inContext(UpdateContext update, java.util.function.BiFunction<VendorError, Exchange, T> failed,
                            java.util.function.BiFunction<String, String, T> step) {
        ContextResolver.Resolved ctx = context.resolve(update.event());
        return ctx.error() != null ? failed.apply(ctx.error(), ctx.exchange())
                : step.apply(ctx.patientId(), ctx.encounterId());
    }

    @Override
    public ReadBack readBack(WriteContext write) {
        RemoteRef remote = write.remote();
        Exchange ex = new Exchange("GET " + remote.resourceType() + "/{id}", null, 0);
        try {
            return FhirRecordState.of(read(remote), new Exchange(ex.request(), null, 200));
        } catch (RuntimeException e) {
            return FhirRecordState.failed(FhirOutcomes.status(e), FhirOutcomes.error(e),
                    new Exchange(ex.request(), null, FhirOutcomes.status(e)));
        }
    }

    /** The read that verification and read-back share. */
    private Resource read(RemoteRef remote) {
        return (Resource) server.client().read().resource(remote.resourceType()).withId(remote.id()).execute();
    }

    @Override
    public SendOutcome sendProvenance(ProvenanceContext p) {
        return provenance.prepare(p).send();
    }

    @Override
    public RenderOutcome renderProvenance(ProvenanceContext p) {
        return provenance.prepare(p).render();
    }

    @Override
    public FindOutcome findProvenance(ProvenanceContext p) {
        return provenance.find(p);
    }

    @Override
    public VerifyOutcome verifyProvenance(ProvenanceContext p) {
        return provenance.verify(p);
    }

    /** The underlying client, for tests and tools that need to read what the server holds. */
    IGenericClient client() {
        return server.client();
    }
}
