package dev.chartbridge.simulators.fhir.internal;

import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * A vendor simulator's rules on top of the generic FHIR providers: validation and rewriting of writes,
 * whether {@code If-None-Exist} is honoured, and which stored resources reads and searches may see.
 * The default methods are the generic simulator's behaviour.
 *
 * <p>Hooks run while the store's lock is held, so they may read the {@link ResourceStore} consistently;
 * they refuse a write by throwing a HAPI {@code BaseServerResponseException} (e.g.
 * {@code UnprocessableEntityException} with an OperationOutcome), which HAPI answers as is.
 * Implementations must be thread-safe.
 */
public interface VendorRules {

  /** The generic simulator's rules. */
  VendorRules GENERIC = new VendorRules() {};

  /** Whether {@code If-None-Exist} is honoured (FHIR conditional create); false ignores the header. */
  default boolean conditionalCreate() {
    return true;
  }

  /** Checks a create; returns what to store (possibly changed). */
  default Resource beforeCreate(Resource incoming) {
    return incoming;
  }

  /** Called with the stored copy after a create (e.g. to hold it back from reads). */
  default void afterCreate(Resource stored) {}

  /** Checks an update of {@code id}, whose current version is {@code current}; returns what to store. */
  default Resource beforeUpdate(IdType id, Resource incoming, Optional<Resource> current) {
    return incoming;
  }

  /**
   * Checks a search before it runs (e.g. a parameter the vendor requires); refuses it by throwing, as a write
   * hook does. Takes any search by default.
   */
  default void checkSearch(String type, java.util.Map<String, String[]> parameters) {}

  /** Whether reads and searches may return {@code stored}; hidden ones read as 404. */
  default boolean visible(Resource stored) {
    return true;
  }
}
