package dev.chartbridge.app.hapi;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * Every test class that uses the in-process HAPI FHIR JPA server ({@link HapiJpaExtension}), run together so that
 * one test JVM starts it (35-55 s of CPU) rather than each of the build's test JVMs that happens to take one of
 * them. {@code mvn verify} runs these classes through this suite only (chartbridge-app's surefire excludes them);
 * {@code -Dtest=HapiJpaDeliveryTest} still runs one alone. A new class using {@link HapiJpaExtension} is added
 * here and to those excludes (docs/testing.md).
 */
@Suite
@SelectClasses(names = {"dev.chartbridge.app.hapi.HapiJpaStartupTest", "dev.chartbridge.app.HapiJpaDeliveryTest",
        "dev.chartbridge.app.HapiJpaConflictTest", "dev.chartbridge.app.contract.HapiJpaContractTest"})
public class HapiJpaSuiteTest {
}
