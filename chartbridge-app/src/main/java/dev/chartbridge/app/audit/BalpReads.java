package dev.chartbridge.app.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.audit.AuditQueries;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.json.Json;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * A recorded read of PHI ({@link PhiReads}) as an AuditEvent shaped after IHE Basic Audit Log Patterns (BALP),
 * https://profiles.ihe.net/ITI/BALP/ : a read of one record follows {@code IHE.BasicAudit.PatientRead} (or
 * {@code IHE.BasicAudit.Read} when no patient is known), a query or list {@code IHE.BasicAudit.PatientQuery} (or
 * {@code IHE.BasicAudit.Query}). Per those profiles: type {@code rest}, subtype the RESTful interaction
 * ({@code read} or {@code search-type}), action R (read) or E (query); the client as Source Role ID (DICOM 110153),
 * the gateway as Destination Role ID (110152), the verified user, when there was one, as the requestor; the
 * patient as entity (Person / Patient), the record read as Domain Resource, the query as entity role 24 (Query)
 * with the query base64-encoded. Stateless and thread-safe.
 */
final class BalpReads {
    static final String PROFILE_BASE = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";

    private BalpReads() {
    }

    static boolean isRead(String action) {
        return action.equals(PhiReads.READ) || action.equals(PhiReads.QUERY);
    }

    static AuditEvent auditEvent(AuditQueries.Row row, JsonNode event) {
        var e = row.entry();
        boolean query = e.action().equals(PhiReads.QUERY);
        JsonNode detail = readTree(e.detail());
        Identifier patient = patient(event, detail);
        AuditEvent a = new AuditEvent();
        a.setId("cb-audit-" + e.id());
        a.getMeta().addProfile(PROFILE_BASE + "IHE.BasicAudit." + (patient != null ? "Patient" : "")
                + (query ? "Query" : "Read"));
        a.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        String interaction = query ? "search-type" : "read";
        a.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", interaction, interaction));
        a.addSubtype(new Coding(FhirAuditExport.ACTION_SYSTEM, e.action(), null));
        a.setAction(query ? AuditEvent.AuditEventAction.E : AuditEvent.AuditEventAction.R);
        a.setRecorded(Date.from(e.recordedAt()));
        a.setOutcome(AuditEvent.AuditEventOutcome._0);
        // The actor is "apikey:<id>", followed by "user:<subject> [npi:<npi>]" when a user was verified.
        String actor = e.actor();
        int space = actor.indexOf(' ');
        String client = space < 0 ? actor : actor.substring(0, space);
        String user = space < 0 ? null : actor.substring(space + 1);
        a.addAgent().setRequestor(user == null)
                .setType(dcm("110153", "Source Role ID"))
                .setWho(new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:actor")
                        .setValue(client)));
        a.addAgent().setRequestor(false).setType(dcm("110152", "Destination Role ID"))
                .setWho(gateway());
        if (user != null) {
            a.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(new Identifier()
                    .setSystem("urn:chartbridge:user").setValue(user)));
        }
        a.getSource().setSite(e.tenantId()).setObserver(gateway())
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                        "Application Server"));
        if (patient != null) {
            a.addEntity().setWhat(new Reference().setIdentifier(patient))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person")).setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        if (e.eventId() != null) {
            a.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:event")
                            .setValue(e.eventId().toString())))
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
        }
        String what = detail == null ? null : detail.path("what").asText(null);
        if (query) {
            String q = detail == null ? null : detail.path("query").asText(null);
            a.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "24", "Query")).setDescription(what)
                    .setQuery((q == null ? "" : q).getBytes(StandardCharsets.UTF_8));
        } else if (what != null) {
            a.setOutcomeDesc(what);
        }
        return a;
    }

    private static Identifier patient(JsonNode event, JsonNode detail) {
        if (event != null && event.at("/patient/identifiers/0").isObject()) {
            JsonNode mrn = event.at("/patient/identifiers/0");
            return new Identifier().setSystem(mrn.path("system").asText()).setValue(mrn.path("value").asText());
        }
        String token = detail == null ? null : detail.path("patient").asText(null);
        int bar = token == null ? -1 : token.lastIndexOf('|');
        return bar <= 0 ? null : new Identifier().setSystem(token.substring(0, bar)).setValue(token.substring(bar + 1));
    }

    private static Reference gateway() {
        return new Reference().setIdentifier(new Identifier().setSystem("urn:chartbridge:gateway")
                .setValue("chartbridge")).setDisplay("ChartBridge");
    }

    private static CodeableConcept dcm(String code, String display) {
        return new CodeableConcept(new Coding(FhirAuditExport.DCM, code, display));
    }

    private static JsonNode readTree(String json) {
        try {
            return json == null ? null : Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}
