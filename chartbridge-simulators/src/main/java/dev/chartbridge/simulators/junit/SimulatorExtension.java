package dev.chartbridge.simulators.junit;

import dev.chartbridge.simulators.Simulator;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test a started simulator of any kind, with the lifecycle of
 * {@code FhirSimulatorExtension}: on a {@code static} field one simulator serves the class and is
 * {@link Simulator#reset() reset} before each test; on an instance field each test gets its own.
 *
 * <pre>{@code
 * @RegisterExtension static final SimulatorExtension<EpicSimulator> EPIC =
 *     new SimulatorExtension<>(EpicSimulator::start);
 * }</pre>
 *
 * <p>Not thread-safe: meant for JUnit's sequential lifecycle.
 *
 * @param <S> the simulator type
 */
public class SimulatorExtension<S extends Simulator>
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private final Supplier<S> starter;
  private S simulator;
  private boolean sharedByClass;

  /** @param starter starts a simulator, e.g. {@code EpicSimulator::start} */
  public SimulatorExtension(Supplier<S> starter) {
    this.starter = starter;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    simulator = starter.get();
    sharedByClass = true;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (simulator == null) {
      simulator = starter.get();
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
  public S simulator() {
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
