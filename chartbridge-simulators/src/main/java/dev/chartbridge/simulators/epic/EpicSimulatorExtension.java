package dev.chartbridge.simulators.epic;

import dev.chartbridge.simulators.junit.SimulatorExtension;

/**
 * JUnit 5 extension giving a test a started {@link EpicSimulator} (static field: one per class, reset
 * before each test, registered clients kept; instance field: one per test).
 *
 * <pre>{@code
 * @RegisterExtension static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();
 * ... EPIC.simulator().registerClient("gateway", jwksUrl, "system/Observation.c") ...
 * }</pre>
 */
public final class EpicSimulatorExtension extends SimulatorExtension<EpicSimulator> {

  public EpicSimulatorExtension() {
    super(EpicSimulator::start);
  }
}
