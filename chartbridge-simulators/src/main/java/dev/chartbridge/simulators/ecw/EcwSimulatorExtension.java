package dev.chartbridge.simulators.ecw;

import dev.chartbridge.simulators.junit.SimulatorExtension;
import java.util.function.Supplier;

/**
 * JUnit 5 extension giving a test a started {@link EcwSimulator} (static field: one per class, reset
 * before each test, registered clients kept; instance field: one per test).
 *
 * <pre>{@code
 * @RegisterExtension static final EcwSimulatorExtension ECW = new EcwSimulatorExtension();
 * @RegisterExtension static final EcwSimulatorExtension SMALL = new EcwSimulatorExtension(
 *     () -> EcwSimulator.builder().rateLimit(5, Duration.ofMinutes(1)).start());
 * }</pre>
 */
public final class EcwSimulatorExtension extends SimulatorExtension<EcwSimulator> {

  public EcwSimulatorExtension() {
    super(EcwSimulator::start);
  }

  /** With a simulator configured by {@code starter}. */
  public EcwSimulatorExtension(Supplier<EcwSimulator> starter) {
    super(starter);
  }
}
