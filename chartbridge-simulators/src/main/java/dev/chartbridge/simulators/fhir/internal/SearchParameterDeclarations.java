package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * Adds to the CapabilityStatement HAPI generates ({@code GET /metadata}) the search parameters the simulator
 * really filters on, per resource type: its providers take any parameter at run time, so HAPI cannot list them.
 * Stateless and thread-safe.
 */
@Interceptor
public final class SearchParameterDeclarations {

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void declare(IBaseConformance generated) {
    if (!(generated instanceof CapabilityStatement statement)) {
      return;
    }
    for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
      for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
        resource.getSearchParam().clear();
        SearchParameter.supportedOn(resource.getType()).forEach((name, type) -> resource.addSearchParam()
            .setName(name).setType(Enumerations.SearchParamType.fromCode(type)));
      }
    }
  }
}
