package dev.chartbridge.app.hapi;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class the JVM's one in-process HAPI FHIR JPA server ({@link HapiJpaServer#shared()}), started
 * before the class's own {@code @BeforeAll} methods, and clears the faults the class set when it ends (the data
 * stays: classes count what they add). Register as a static field:
 * {@code @RegisterExtension static HapiJpaExtension hapi = new HapiJpaExtension();}
 */
public final class HapiJpaExtension implements BeforeAllCallback, AfterAllCallback {
    private volatile HapiJpaServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        boolean first = !HapiJpaServer.isStarted();
        server = HapiJpaServer.shared();
        if (first) {
            // Reported once per JVM: what CI pays for a real HAPI JPA server (wall clock and this JVM's CPU).
            System.out.printf("HAPI FHIR JPA server started in %d ms (%d ms CPU) at %s%n",
                    server.startup().toMillis(), server.startupCpu().toMillis(), server.baseUrl());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.faults().clear();
        }
    }

    /** The running server; available from the class's {@code @BeforeAll} methods on. */
    public HapiJpaServer server() {
        if (server == null) {
            throw new IllegalStateException("the HAPI JPA server starts before the test class's @BeforeAll");
        }
        return server;
    }
}
