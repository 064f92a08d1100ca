package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceFactory;

/**
 * HAPI resource provider for a type the simulator serves read-only (read, vread, search), such as Patient.
 * Thread-safe: all state is in the {@link ResourceStore}.
 */
public class ReadableProvider implements IResourceProvider {

  protected final String type;
  protected final ResourceStore store;
  protected final VendorRules rules;
  private final Class<? extends Resource> resourceClass;

  public ReadableProvider(String type, ResourceStore store) {
    this(type, store, VendorRules.GENERIC);
  }

  /** A provider whose reads and searches see only what {@code rules} makes visible. */
  public ReadableProvider(String type, ResourceStore store, VendorRules rules) {
    this.type = type;
    this.store = store;
    this.rules = rules;
    this.resourceClass = ResourceFactory.createResource(type).getClass();
  }

  @Override
  public Class<? extends Resource> getResourceType() {
    return resourceClass;
  }

  /** Read, or vread when the id carries a version. */
  @Read(version = true)
  public Resource read(@IdParam IdType id) {
    var found = id.hasVersionIdPart()
        ? store.read(type, id.getIdPart(), id.getVersionIdPart())
        : store.read(type, id.getIdPart());
    return found.filter(rules::visible).orElseThrow(() -> new ResourceNotFoundException(id));
  }

  /** Search on the parameters {@link SearchQuery} supports; {@code _count} paging is done by HAPI. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(RequestDetails request) {
    rules.checkSearch(type, request.getParameters());
    return new SimpleBundleProvider(find(SearchQuery.of(type, request.getParameters())));
  }

  protected List<Resource> find(SearchQuery query) {
    return store.current(type, r -> rules.visible(r) && query.test(r));
  }
}
