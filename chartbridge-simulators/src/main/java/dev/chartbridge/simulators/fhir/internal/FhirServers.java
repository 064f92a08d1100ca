package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;

/** The HAPI server every FHIR-store simulator serves its providers with. Stateless. */
public final class FhirServers {

  private FhirServers() {}

  /** A HAPI server on {@code context} answering JSON by default, paging searches (100 kept), serving {@code providers}. */
  public static RestfulServer json(FhirContext context, List<IResourceProvider> providers) {
    RestfulServer fhir = new RestfulServer(context);
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    fhir.setPagingProvider(new FifoMemoryPagingProvider(100));
    fhir.setResourceProviders(providers);
    return fhir;
  }
}
