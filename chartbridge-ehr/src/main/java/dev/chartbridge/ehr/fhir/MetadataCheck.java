package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.exceptions.NonFhirResponseException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import dev.chartbridge.core.adapter.ConnectionCheck;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * Checks a FHIR server by its CapabilityStatement: {@code GET [base]/metadata}, the call the FHIR specification
 * defines for "what is this server" (https://hl7.org/fhir/R4/http.html#capabilities), harmless and free of patient
 * data. Up when the answer is an R4 CapabilityStatement (fhirVersion 4.0.x); a wrong {@code baseUrl} shows as a
 * 404, a non-FHIR answer or no answer. Stateless.
 */
final class MetadataCheck {
    private MetadataCheck() {
    }

    /** The check, and the statement read when it is up (null when down). */
    record Fetched(ConnectionCheck check, CapabilityStatement statement) {
    }

    static ConnectionCheck of(FhirServer server) {
        return fetch(server).check();
    }

    // evidence: fhir.metadata, epic.metadata, ecw.metadata
    static Fetched fetch(FhirServer server) {
        ConnectionCheck failed;
        try {
            CapabilityStatement statement = server.client().capabilities().ofType(CapabilityStatement.class)
                    .execute();
            String version = statement.getFhirVersion() == null ? null : statement.getFhirVersion().toCode();
            if (version == null || !version.startsWith("4.0")) {
                return new Fetched(ConnectionCheck.down("/metadata is not a FHIR R4 CapabilityStatement (fhirVersion "
                        + version + ")"), null);
            }
            return new Fetched(ConnectionCheck.up("/metadata: FHIR " + version + " CapabilityStatement"), statement);
        } catch (FhirClientConnectionException e) {
            failed = ConnectionCheck.down("/metadata: no answer (unreachable, refused or timed out)");
        } catch (NonFhirResponseException e) {
            failed = ConnectionCheck.down("/metadata answered HTTP " + e.getStatusCode() + " with something that is"
                    + " not FHIR: is baseUrl the FHIR base?");
        } catch (BaseServerResponseException e) {
            failed = ConnectionCheck.down("/metadata answered HTTP " + e.getStatusCode()
                    + (e.getStatusCode() == 404 ? ": is baseUrl the FHIR base?" : ""));
        } catch (RuntimeException e) {
            // Interrupted (the node stopping) before the call left, e.g. in a call budget's wait: no answer to judge.
            // Otherwise a body HAPI cannot parse as the resource asked for (DataFormatException and the like).
            failed = Thread.currentThread().isInterrupted() ? ConnectionCheck.cutShort("/metadata")
                    : ConnectionCheck.down("/metadata answered something that is not a CapabilityStatement");
        }
        return new Fetched(failed, null);
    }
}
