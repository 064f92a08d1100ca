package dev.chartbridge.simulators.athena;

import dev.chartbridge.simulators.junit.SimulatorExtension;

/**
 * JUnit 5 extension giving a test a started {@link AthenaSimulator} with default settings (preview
 * limits); see {@link SimulatorExtension} for the lifecycle. Use with {@code @RegisterExtension}.
 */
public final class AthenaSimulatorExtension extends SimulatorExtension<AthenaSimulator> {

  public AthenaSimulatorExtension() {
    super(AthenaSimulator::start);
  }
}
