package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.ErrorClass;
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
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.ehr.PreparedSend;
import dev.chartbridge.ehr.profile.ProfilePlanner;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes to any standard FHIR R4 server. Each create carries the gateway's write identifier and is conditional on
 * it ({@code If-None-Exist}), so even a resend after an unknown outcome cannot make a second copy on a server
 * that honours conditional create; an unknown outcome is still searched for before anything is resent. Patients
 * and encounters are resolved by identifier and never guessed. Thread-safe.
 */
public final class FhirR4Adapter implements EhrAdapter {
    public static final String VENDOR = "fhir-r4";
    private static final VendorProfile PROFILE = VendorProfiles.of(VENDOR);

    private final FhirServer server;
    private final ContextResolver context;
    private final FhirRecordUpdater updater;

    public FhirR4Adapter(FhirConnection connection) {
        this.server = new FhirServer(connection);
        this.context = new ContextResolver(server);
        this.updater = new FhirRecordUpdater(server, Supplier::get, PROFILE.versionsRecords());
    }

    @Override
    public String vendor() {
        return VENDOR;
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
            return PreparedSend.notSent(new SendOutcome.Rejected(ctx.error(), ctx.exchange()));
        }
        Resource resource = FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId());
        String body = FhirContexts.r4().newJsonParser().encodeResourceToString(resource);
        String condition = "identifier=" + WriteContext.IDENTIFIER_SYSTEM + "|" + write.operationKey();
        RenderedRequest request = new RenderedRequest("POST", resource.fhirType(),
                Map.of("If-None-Exist", condition, "Prefer", "return=representation"), "application/fhir+json", body);
        return PreparedSend.ready(request, () -> create(write, resource, body));
    }

    private SendOutcome create(WriteContext write, Resource resource, String body) {
        Exchange sent = new Exchange("POST " + resource.fhirType(), Json.sha256(body), 0);
        try {
            // Send the very text that was digested: the resource is encoded once, not again by the client.
            MethodOutcome outcome = server.client().create().resource(body)
                    .conditional().where(new TokenClientParam("identifier")
                            .exactly().systemAndCode(WriteContext.IDENTIFIER_SYSTEM, write.operationKey()))
                    .prefer(PreferReturnEnum.REPRESENTATION)
                    .execute();
            int status = Boolean.TRUE.equals(outcome.getCreated()) ? 201 : 200;
            return new SendOutcome.Created(ref(resource.fhirType(), outcome),
                    new Exchange(sent.request(), sent.requestDigest(), outcome.getResponseStatusCode() > 0
                            ? outcome.getResponseStatusCode() : status));
        } catch (RuntimeException e) {
            return FhirOutcomes.ofSend(e, sent);
        }
    }

    @Override
    public FindOutcome find(WriteContext write) {
        Exchange ex = new Exchange("GET " + write.resourceType() + "?identifier", null, 0);
        try {
            Bundle found = server.client().search().forResource(write.resourceType())
                    .where(new TokenClientParam("identifier")
                            .exactly().systemAndCode(WriteContext.IDENTIFIER_SYSTEM, write.operationKey()))
                    .returnBundle(Bundle.class).execute();
            Exchange ok = new Exchange(ex.request(), null, 200);
            List<RemoteRef> refs = found.getEntry().stream().map(e -> e.getResource())
                    .map(r -> new RemoteRef(r.fhirType(), r.getIdElement().getIdPart(),
                            r.getMeta().getVersionId())).toList();
            if (refs.isEmpty()) {
                return new FindOutcome.Absent(ok);
            }
            return refs.size() == 1 ? new FindOutcome.Found(refs.get(0), ok) : new FindOutcome.Ambiguous(refs, ok);
        } catch (RuntimeException e) {
            return new FindOutcome.Undetermined(FhirOutcomes.error(e),
                    new Exchange(ex.request(), null, FhirOutcomes.status(e)));
        }
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        RemoteRef remote = write.remote();
        Exchange ex = new Exchange("GET " + remote.resourceType() + "/{id}", null, 0);
        ContextResolver.Resolved ctx = context.resolve(write.event());
        if (ctx.error() != null) {
            return new VerifyOutcome.Undetermined(ctx.error(), ctx.exchange());
        }
        try {
            Resource actual = read(remote);
            Resource expected = FhirR4Mapping.render(write, ctx.patientId(), ctx.encounterId());
            List<String> differences = CriticalFields.differences(expected, actual);
            Exchange ok = new Exchange(ex.request(), null, 200);
            return FhirRecordState.verified(differences, actual, ok);
        } catch (RuntimeException e) {
            VendorError error = FhirOutcomes.error(e);
            Exchange failed = new Exchange(ex.request(), null, FhirOutcomes.status(e));
            if (error.errorClass() == ErrorClass.NOT_FOUND) {
                return new VerifyOutcome.NotYetReadable(failed);
            }
            return new VerifyOutcome.Undetermined(error, failed);
        }
    }

    @Override
    public WritePlan planUpdate(ClinicalEvent amendment) {
        return ProfilePlanner.planUpdate(PROFILE, amendment, FhirR4Mapping.resourceType(amendment));
    }

    /** {@code PUT} with {@code If-Match: W/"<stored version>"}; see {@link FhirRecordUpdater}. */
    @Override
    public UpdateOutcome update(UpdateContext update) {
        return inContext(update, (error, ex) -> new UpdateOutcome.Sent(new SendOutcome.Rejected(error, ex)),
                (p, e) -> updater.update(update, p, e));
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

    private static RemoteRef ref(String type, MethodOutcome outcome) {
        var id = outcome.getId();
        if ((id == null || id.getIdPart() == null) && outcome.getResource() != null) {
            id = outcome.getResource().getIdElement();
        }
        return new RemoteRef(type, id == null ? null : id.getIdPart(), id == null ? null : id.getVersionIdPart());
    }

    /** The underlying client, for tests and tools that need to read what the server holds. */
    IGenericClient client() {
        return server.client();
    }
}
