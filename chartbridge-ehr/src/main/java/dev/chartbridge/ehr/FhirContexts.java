package dev.chartbridge.ehr;

import ca.uhn.fhir.context.FhirContext;

/** The one R4 {@link FhirContext} of this JVM: building one is expensive, and it is thread-safe once built. */
public final class FhirContexts {
    private FhirContexts() {
    }

    public static FhirContext r4() {
        return FhirContext.forR4Cached();
    }
}
