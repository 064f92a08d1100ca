package dev.chartbridge.app.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ProvenanceWriter;
import dev.chartbridge.core.audit.AuditQueries;
import dev.chartbridge.core.event.Attestation;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.ehr.fhir.FhirProvenanceMapping;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Turns audit entries into FHIR R4: an AuditEvent for every entry (shaped after IHE Basic Audit Log Patterns:
 * RESTful operation type and interaction subtype, the acting client as requestor, ChartBridge as observer, the
 * patient and the written record as entities), and a Provenance for every write that landed (the EHR record as
 * target, the author, the AI model as assembler and the attesting clinician as verifier, the transcript hash
 * as source: {@link FhirProvenanceMapping#attribute}, as in the Provenance sent to an EHR that keeps one).
 * Stateless and thread-safe.
 */
public final class FhirAuditExport {
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String ACTION_SYSTEM = "urn:chartbridge:audit-action";

    private FhirAuditExport() {
    }

    /** Writes each row's resources as NDJSON (one resource per line). */
    public static int writeNdjson(List<AuditQueries.Row> rows, Writer out) {
        // Versions kept in references: a Provenance targets the version that was written.
        var parser = FhirContexts.r4().newJsonParser().setPrettyPrint(false).setStripVersionsFromReferences(false);
        int count = 0;
        try {
            for (AuditQueries.Row row : rows) {
                for (Resource r : resources(row)) {
                    out.write(parser.encodeResourceToString(r));
                    out.write('\n');
                    count++;
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    public static List<Resource> resources(AuditQueries.Row row) {
        List<Resource> out = new ArrayList<>();
        JsonNode event = readTree(row.eventBody());
        if (BalpReads.isRead(row.entry().action())) {
            out.add(BalpReads.auditEvent(row, event)); // a read of PHI: IHE BALP read/query (issue #15)
            return out;
        }
        out.add(auditEvent(row, event));
        String action = row.entry().action();
        // A Provenance sent to the EHR is itself described by the Provenance of the writes it is about.
        if (event != null && row.remoteId() != null && (action.equals("operation.created")
                || action.equals("operation.found")) && !ProvenanceWriter.RESOURCE_TYPE.equals(row.resourceType())) {
            out.add(provenance(row, event));
        }
        return out;
    }

    static AuditEvent auditEvent(AuditQueries.Row row, JsonNode event) {
        var e = row.entry();
        AuditEvent a = new AuditEvent();
        a.setId("cb-audit-" + e.id());
        a.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        a.addSubtype(subtype(e.action()));
        a.addSubtype(new Coding(ACTION_SYSTEM, e.action(), null));
        a.setAction(action(e.action()));
        a.setRecorded(Date.from(e.recordedAt()));
        a.setOutcome(outcome(e.action()));
        a.setOutcomeDesc(e.detail().length() > 1000 ? e.detail().substring(0, 1000) : e.detail());
        a.addAgent().setRequestor(!e.actor().startsWith("node:"))
                .setType(new CodeableConcept(new Coding(DCM, e.actor().startsWith("node:") ? "110150" : "110153",
                        e.actor().startsWith("node:") ? "Application" : "Source Role ID")))
                .setWho(new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:actor")
                        .setValue(e.actor())));
        a.getSource().setSite(e.tenantId())
                .setObserver(new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:gateway")
                        .setValue("chartbridge")).setDisplay("ChartBridge"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                        "Application Server"));
        if (event != null) {
            JsonNode mrn = event.at("/patient/identifiers/0");
            a.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem(mrn.get("system").asText())
                            .setValue(mrn.get("value").asText())))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        }
        if (e.eventId() != null) {
            a.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:event")
                            .setValue(e.eventId().toString())))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2",
                            "System Object"));
        }
        if (row.remoteId() != null) {
            a.addEntity().setWhat(new Reference(row.resourceType() + "/" + row.remoteId()).setDisplay(
                            "record in EHR connection " + row.target()))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2",
                            "System Object"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"));
        }
        return a;
    }

    static Provenance provenance(AuditQueries.Row row, JsonNode event) {
        Provenance p = new Provenance();
        p.setId("cb-provenance-" + row.entry().id());
        String version = row.remoteVersion() == null ? "" : "/_history/" + row.remoteVersion();
        p.addTarget(new Reference(row.resourceType() + "/" + row.remoteId() + version)
                .setDisplay("record in EHR connection " + row.target()));
        p.setRecordedElement(new InstantType(Date.from(row.entry().recordedAt())));
        p.setActivity(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                "CREATE", "create")));
        FhirProvenanceMapping.attribute(p, event.at("/author/npi").asText(), source(event.get("provenance")));
        p.addAgent().setType(participant("custodian", "Custodian"))
                .setWho(new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:gateway")
                        .setValue("chartbridge")).setDisplay("ChartBridge"));
        return p;
    }

    /** The event's provenance as far as attribution needs it (who attested; not when or what). */
    private static dev.chartbridge.core.event.Provenance source(JsonNode p) {
        if (p == null || !p.path("aiAssisted").asBoolean()) {
            return dev.chartbridge.core.event.Provenance.human();
        }
        JsonNode attestation = p.get("attestation");
        return new dev.chartbridge.core.event.Provenance(true, p.path("transcriptHash").asText(),
                p.path("model").asText(), p.path("promptVersion").asText(), null, attestation == null ? null
                : new Attestation(attestation.path("byNpi").asText(), null, null));
    }

    private static CodeableConcept participant(String code, String display) {
        return new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                code, display));
    }

    private static Coding subtype(String action) {
        String interaction = action.equals("operation.verified") || action.equals("operation.modified")
                || action.equals("operation.pending") ? "read"
                : action.equals("operation.found") || action.equals("operation.absent")
                || action.equals("operation.ambiguous") ? "search-type" : "create";
        return new Coding("http://hl7.org/fhir/restful-interaction", interaction, interaction);
    }

    private static AuditEvent.AuditEventAction action(String action) {
        if (action.equals("event.accepted") || action.equals("operation.created")) {
            return AuditEvent.AuditEventAction.C;
        }
        if (action.startsWith("operation.verified") || action.equals("operation.found")
                || action.equals("operation.absent") || action.equals("operation.modified")) {
            return AuditEvent.AuditEventAction.R;
        }
        return AuditEvent.AuditEventAction.E;
    }

    private static AuditEvent.AuditEventOutcome outcome(String action) {
        if (action.endsWith(".refused") || action.endsWith(".rejected") || action.endsWith(".dead")
                || action.endsWith(".conflict")) {
            return AuditEvent.AuditEventOutcome._8;
        }
        if (action.endsWith(".unknown") || action.endsWith(".retryable") || action.endsWith(".undetermined")
                || action.endsWith(".modified") || action.endsWith(".ambiguous")) {
            return AuditEvent.AuditEventOutcome._4;
        }
        return AuditEvent.AuditEventOutcome._0;
    }

    private static JsonNode readTree(String body) {
        try {
            return body == null ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
