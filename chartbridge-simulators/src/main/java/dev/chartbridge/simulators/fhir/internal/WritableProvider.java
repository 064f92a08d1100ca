package dev.chartbridge.simulators.fhir.internal;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import dev.chartbridge.simulators.SimulatorStats;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * HAPI resource provider for a type the simulator lets clients write: create (with {@code If-None-Exist}),
 * update (with {@code If-Match}), plus everything {@link ReadableProvider} does. An update of an unknown id
 * without {@code If-Match} creates it (update-as-create, 201); with {@code If-Match} it fails with 412.
 *
 * <p>Thread-safe: each write runs under the store's lock, so a conditional create or a version check and
 * the write that follows are one atomic step.
 */
public class WritableProvider extends ReadableProvider {

  private final SimulatorStats stats;
  private final FieldDropper dropper;

  public WritableProvider(String type, ResourceStore store, SimulatorStats stats, FieldDropper dropper) {
    this(type, store, stats, dropper, VendorRules.GENERIC);
  }

  /** A provider that applies a vendor's {@code rules} to every write, read and search. */
  public WritableProvider(
      String type, ResourceStore store, SimulatorStats stats, FieldDropper dropper, VendorRules rules) {
    super(type, store, rules);
    this.stats = stats;
    this.dropper = dropper;
  }

  @Create
  public MethodOutcome create(@ResourceParam Resource resource, @ConditionalUrlParam String ifNoneExist) {
    return store.atomically(() -> {
      if (ifNoneExist != null && rules.conditionalCreate()) {
        List<Resource> matches = find(SearchQuery.ofConditionalUrl(type, ifNoneExist));
        if (matches.size() > 1) {
          throw new PreconditionFailedException(
              "If-None-Exist '" + ifNoneExist + "' matches " + matches.size() + " resources");
        }
        if (matches.size() == 1) {
          Resource existing = matches.get(0);
          return outcome(existing, false, "Matched existing " + existing.getIdElement().getValue());
        }
      }
      Resource stored = store.create(dropper.apply(rules.beforeCreate(resource)));
      rules.afterCreate(stored);
      stats.recordCreate();
      return outcome(stored, true, "Created " + stored.getIdElement().getValue());
    });
  }

  @Update
  public MethodOutcome update(
      @IdParam IdType id, @ResourceParam Resource resource, RequestDetails request) {
    if (resource.hasIdElement() && resource.getIdElement().hasIdPart()
        && !resource.getIdElement().getIdPart().equals(id.getIdPart())) {
      throw new InvalidRequestException("Resource id " + resource.getIdElement().getIdPart()
          + " does not match URL id " + id.getIdPart());
    }
    Optional<String> expected = ifMatchVersion(request);
    return store.atomically(() -> {
      Optional<Resource> current = store.read(type, id.getIdPart());
      if (expected.isPresent()) {
        String actual = current.map(r -> r.getMeta().getVersionId()).orElse(null);
        if (!expected.get().equals(actual)) {
          throw new PreconditionFailedException("If-Match version " + expected.get() + " but "
              + type + "/" + id.getIdPart() + (actual == null ? " does not exist" : " is at version " + actual));
        }
      }
      Resource stored = store.put(type, id.getIdPart(), dropper.apply(rules.beforeUpdate(id, resource, current)));
      boolean created = current.isEmpty();
      if (created) {
        stats.recordCreate();
      } else {
        stats.recordUpdate();
      }
      if (request instanceof ServletRequestDetails servlet) {
        // HAPI sets Location only for create; FHIR clients also expect it after an update.
        servlet.getServletResponse().setHeader("Location",
            request.getFhirServerBase() + "/" + stored.getIdElement().getValue());
      }
      return outcome(stored, created, (created ? "Created " : "Updated ") + stored.getIdElement().getValue());
    });
  }

  /** The version in {@code If-Match: W/"n"} (or {@code "n"}), if the header is present. */
  private static Optional<String> ifMatchVersion(RequestDetails request) {
    String header = request.getHeader("If-Match");
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String version = header.trim().replaceFirst("^W/", "").replace("\"", "");
    return Optional.of(version);
  }

  private static MethodOutcome outcome(Resource resource, boolean created, String message) {
    OperationOutcome operationOutcome = new OperationOutcome();
    operationOutcome.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
        .setCode(OperationOutcome.IssueType.INFORMATIONAL)
        .setDiagnostics(message);
    MethodOutcome outcome = new MethodOutcome(resource.getIdElement(), created);
    outcome.setResource(resource);
    outcome.setOperationOutcome(operationOutcome);
    return outcome;
  }
}
