package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Epic-style errors: an OperationOutcome whose {@code issue.details.coding.code} is Epic's numeric code
 * ({@code epic-error-codes.yml}, "code_location"), thrown as a HAPI exception so HAPI answers it.
 */
final class EpicOutcome {

  /**
   * System of Epic's error codes in {@code details.coding}. The vendor file gives only where the code sits;
   * this OID is the one Epic's public sandbox answers with.
   */
  static final String CODE_SYSTEM = "urn:oid:1.2.840.114350.1.13.0.1.7.2.657369";

  private EpicOutcome() {}

  /** A refusal with HTTP {@code status} and Epic code {@code code}. */
  static BaseServerResponseException error(int status, String code, String display, String diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.FATAL)
        .setCode(status == 404 ? OperationOutcome.IssueType.NOTFOUND : OperationOutcome.IssueType.PROCESSING)
        .setDetails(new CodeableConcept(new Coding(CODE_SYSTEM, code, display)).setText(display))
        .setDiagnostics(diagnostics);
    BaseServerResponseException exception = BaseServerResponseException.newInstance(status, display);
    exception.setOperationOutcome(outcome);
    return exception;
  }

  /** 422 with code 59108: a required element is missing. */
  static BaseServerResponseException missing(String element) {
    return error(422, "59108", "Required " + element + " missing", "Required element " + element + " is missing");
  }

  /** 422 with code 59111: a required element has a value Epic does not take. */
  static BaseServerResponseException invalid(String element, String value) {
    return error(422, "59111", "Required " + element + " invalid: " + value,
        "Required element " + element + " has an unsupported value: " + value);
  }

  /** 422 with code 59144: a referenced resource does not exist. */
  static BaseServerResponseException notFound(String reference) {
    return error(422, "59144", "The reference provided was not found.", "Not found: " + reference);
  }
}
