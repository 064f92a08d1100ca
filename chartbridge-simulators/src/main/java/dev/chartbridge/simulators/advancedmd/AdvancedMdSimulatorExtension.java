package dev.chartbridge.simulators.advancedmd;

import dev.chartbridge.simulators.junit.SimulatorExtension;

/**
 * JUnit 5 extension giving a test a started {@link AdvancedMdSimulator} (normal mode, default session lifetime);
 * see {@link SimulatorExtension} for the lifecycle. Use with {@code @RegisterExtension}.
 */
public final class AdvancedMdSimulatorExtension extends SimulatorExtension<AdvancedMdSimulator> {

  public AdvancedMdSimulatorExtension() {
    super(AdvancedMdSimulator::start);
  }
}
