package dev.chartbridge.simulators.fhir;

import dev.chartbridge.simulators.junit.SimulatorExtension;

/**
 * JUnit 5 extension that gives a test a started {@link FhirSimulator}: on a {@code static} field one simulator
 * serves the whole class and is reset before each test; on an instance field each test gets its own.
 *
 * <pre>{@code
 * @RegisterExtension static final FhirSimulatorExtension SIM = new FhirSimulatorExtension();
 * ... SIM.simulator().baseUrl() ...
 * }</pre>
 *
 * <p>Not thread-safe: meant for JUnit's sequential lifecycle.
 */
public final class FhirSimulatorExtension extends SimulatorExtension<FhirSimulator> {
  public FhirSimulatorExtension() {
    super(FhirSimulator::start);
  }
}
