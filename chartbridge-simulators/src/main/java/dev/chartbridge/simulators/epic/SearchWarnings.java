package dev.chartbridge.simulators.epic;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Epic's warnings inside a searchset: an {@code OperationOutcome} entry with {@code search.mode = outcome}. A search
 * that matched nothing carries warning 4101 "Resource request returns no results" ({@code epic-error-codes.yml}).
 * A client that takes every entry of the Bundle as a result takes this warning for a record.
 * Stateless and thread-safe.
 */
// evidence: epic.search.warning-entry
@Interceptor
final class SearchWarnings {

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean addWarnings(IBaseResource response) {
    if (response instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.SEARCHSET
        && bundle.getEntry().stream().noneMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH
            || !e.getSearch().hasMode())) {
      OperationOutcome warning = new OperationOutcome();
      warning.addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.WARNING)
          .setCode(OperationOutcome.IssueType.PROCESSING)
          .setDetails(new CodeableConcept(new Coding(EpicOutcome.CODE_SYSTEM, "4101",
              "Resource request returns no results.")).setText("Resource request returns no results."));
      bundle.addEntry().setResource(warning).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
    }
    return true;
  }
}
