package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.ProvenanceContext;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.Attestation;
import dev.chartbridge.core.event.ClinicalEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

/**
 * The FHIR R4 Provenance of content a clinician approved: who made it and from what. Shared by the Provenance an
 * adapter sends with an AI-assisted event's writes and by the audit trail's FHIR export, so the two cannot say
 * different things. Stateless and thread-safe.
 */
public final class FhirProvenanceMapping {
    static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    static final String AI_MODEL = "urn:chartbridge:ai-model";
    static final String TRANSCRIPT = "urn:chartbridge:transcript";
    static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    static final String SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013";

    private FhirProvenanceMapping() {
    }

    /**
     * Adds who made the content to {@code provenance}: the author; and for AI-assisted content the model and prompt
     * version as the assembler (a device), the attesting clinician as the verifier, and the source transcript,
     * named by its hash, as the source entity.
     */
    public static void attribute(Provenance provenance, String authorNpi,
                                 dev.chartbridge.core.event.Provenance source) {
        provenance.addAgent().setType(participant("author", "Author")).setWho(practitioner(authorNpi));
        if (source == null || !source.aiAssisted()) {
            return;
        }
        provenance.addAgent().setType(participant("assembler", "Assembler")).setWho(new Reference().setType("Device")
                .setIdentifier(new Identifier().setSystem(AI_MODEL).setValue(source.model()))
                .setDisplay("AI model " + source.model() + ", prompt " + source.promptVersion()));
        if (source.attestation() != null) {
            provenance.addAgent().setType(participant("verifier", "Verifier"))
                    .setWho(practitioner(source.attestation().byNpi()));
        }
        provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference().setIdentifier(new Identifier().setSystem(TRANSCRIPT)
                        .setValue(source.transcriptHash())).setDisplay("source transcript"));
    }

    /**
     * The Provenance an AI-assisted event's writes get on a FHIR server that keeps one: each record written, at the
     * version the gateway wrote, as a target; recorded at the clinician's attestation, which is also its
     * verification signature; the author, model, verifier and transcript ({@link #attribute}); what the
     * clinician did in the activity's text; and the gateway's mark of the operation as a {@code meta.tag}
     * ({@code urn:chartbridge:write|key}: R4 Provenance has no identifier), which conditional create and
     * reconciliation search by.
     */
    static Provenance render(ProvenanceContext context) {
        ClinicalEvent event = context.write().event();
        dev.chartbridge.core.event.Provenance source = event.provenance();
        Attestation attestation = source.attestation();
        Instant attested = attestation != null ? attestation.at() : event.occurredAt();
        Provenance p = new Provenance();
        p.getMeta().addTag(WriteContext.IDENTIFIER_SYSTEM, context.write().operationKey(), "ChartBridge write");
        context.described().forEach(d -> p.addTarget(target(d)));
        p.setRecordedElement(instant(attested));
        p.setActivity(new CodeableConcept(new Coding(DATA_OPERATION, "CREATE", "create")).setText(activity(source)));
        attribute(p, event.author().npi(), source);
        if (attestation != null) {
            p.addSignature().addType(new Coding(SIGNATURE_TYPE, "1.2.840.10065.1.12.1.5", "Verification Signature"))
                    .setWhenElement(instant(attested)).setWho(practitioner(attestation.byNpi()));
        }
        return p;
    }

    /**
     * A record written, at the version the gateway wrote where the server versions; a write not in the EHR (shadow
     * mode only) by the gateway's identifier on it, never by a guessed id.
     */
    private static Reference target(ProvenanceContext.DescribedWrite d) {
        RemoteRef r = d.remote();
        if (r != null) {
            String version = r.version() == null ? "" : "/_history/" + r.version();
            return new Reference(r.resourceType() + "/" + r.id() + version);
        }
        return new Reference().setType(d.resourceType()).setIdentifier(new Identifier()
                .setSystem(WriteContext.IDENTIFIER_SYSTEM).setValue(d.operationKey())).setDisplay("not written yet");
    }

    private static String activity(dev.chartbridge.core.event.Provenance s) {
        String attested = s.attestation() == null ? "" : "; attested: " + s.attestation().statement();
        return "Drafted by AI model " + s.model() + " (prompt " + s.promptVersion() + ") from the source transcript,"
                + " reviewed by the clinician with " + s.edits() + " edit" + (Integer.valueOf(1).equals(s.edits())
                ? "" : "s") + attested;
    }

    private static InstantType instant(Instant at) {
        InstantType t = new InstantType(Date.from(at));
        t.setTimeZone(TimeZone.getTimeZone("UTC"));
        return t;
    }

    static Reference practitioner(String npi) {
        return new Reference().setIdentifier(new Identifier().setSystem(FhirR4Mapping.NPI).setValue(npi));
    }

    private static CodeableConcept participant(String code, String display) {
        return new CodeableConcept(new Coding(PARTICIPANT_TYPE, code, display));
    }
}
