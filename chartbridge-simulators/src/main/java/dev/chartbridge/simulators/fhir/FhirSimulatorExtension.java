package dev.chartbridge.simulators.fhir;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test a started {@link FhirSimulator}. Use with {@code @RegisterExtension}:
 * on a {@code static} field one simulator serves the whole class and is {@link FhirSimulator#reset() reset}
 * before each test; on an instance field each test gets its own. Closed when no longer needed.
 *
 * <pre>{@code
 * @RegisterExtension static final FhirSimulatorExtension SIM = new FhirSimulatorExtension();
 * ... SIM.simulator().baseUrl() ...
 * }</pre>
 *
 * <p>Not thread-safe: meant for JUnit's sequential lifecycle (do not run one class's tests in parallel).
 */
public final class FhirSimulatorExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private FhirSimulator simulator;
  private boolean sharedByClass;

  @Override
  public void beforeAll(ExtensionContext context) {
    simulator = FhirSimulator.start();
    sharedByClass = true;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (simulator == null) {
      simulator = FhirSimulator.start();
    } else if (sharedByClass) {
      simulator.reset();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!sharedByClass) {
      closeSimulator();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeSimulator();
  }

  /**
   * The running simulator.
   *
   * @throws IllegalStateException outside a test's lifecycle
   */
  public FhirSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException("no simulator: register this extension with @RegisterExtension");
    }
    return simulator;
  }

  private void closeSimulator() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }
}
