package dev.chartbridge.simulators.veradigm;

import dev.chartbridge.simulators.junit.SimulatorExtension;

/**
 * JUnit 5 extension giving a test a started {@link VeradigmSimulator} with default settings; see
 * {@link SimulatorExtension} for the lifecycle. Use with {@code @RegisterExtension}.
 */
public final class VeradigmSimulatorExtension extends SimulatorExtension<VeradigmSimulator> {

  public VeradigmSimulatorExtension() {
    super(VeradigmSimulator::start);
  }
}
