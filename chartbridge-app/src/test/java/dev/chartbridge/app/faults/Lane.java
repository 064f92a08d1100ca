package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.Simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * One vendor in the fault matrix: its simulator, the gateway's connection to it, the patients of its seed, the
 * event types its profile takes, and the records the EHR holds, read from the simulator's side. Used by one test
 * thread at a time, apart from {@link #tick()}, which a clinician's thread calls while the events are written.
 */
abstract class Lane implements AutoCloseable {
    private final String target;
    private final Simulator simulator;
    private final List<String> types;
    private final int events;
    private final List<Patient> patients;

    /**
     * @param target    the connection's name, also the events' target
     * @param simulator the vendor's simulator, running; closed with the lane
     * @param types     the event types sent to this vendor, cycled
     * @param events    how many events the matrix sends this vendor
     * @param patients  the patients of the vendor's seed the events are spread over
     */
    Lane(String target, Simulator simulator, List<String> types, int events, List<Patient> patients) {
        this.target = target;
        this.simulator = simulator;
        this.types = List.copyOf(types);
        this.events = events;
        this.patients = List.copyOf(patients);
    }

    final String target() {
        return target;
    }

    final List<String> types() {
        return types;
    }

    final int events() {
        return events;
    }

    final List<Patient> patients() {
        return patients;
    }

    final Simulator simulator() {
        return simulator;
    }

    abstract GatewayConfig.ConnectionConfig connection();

    /**
     * The ids of the records of the event type the simulator holds for the patient, one per write (a write the
     * vendor stores as several records is counted by one of them).
     */
    abstract List<String> records(String eventType, Patient patient);

    /** Called once the gateway listens, e.g. to allow-list its JWKS URL at a SMART simulator. */
    void gatewayStarted(int port) {
    }

    /** The type whose records this vendor stores with a critical field silently dropped, or null. */
    String droppedType() {
        return null;
    }

    /** Turns on the silent drop of a critical field of {@link #droppedType()}. */
    void dropCriticalField() {
    }

    /**
     * What a clinician at the EHR does now and then while writes arrive (Epic: reconcile the holding tank); called
     * on another thread than the test's, so it must be thread-safe.
     */
    void tick() {
    }

    /** Fits an example to this vendor within the canonical format. */
    void adapt(String eventType, ObjectNode event) {
    }

    @Override
    public void close() {
        simulator().close();
    }

    /** A patient of the vendor's seed: the event's identifier and open encounter, and the simulator's own id. */
    record Patient(ObjectNode identifier, ObjectNode encounter, String simulatorId) {
    }

    /**
     * The seed's three distinct patients (Maria, Mario, James; identifier values 1001 to 1003), each with an open
     * encounter: {@code encounters} and {@code simulatorIds} in that order.
     */
    static List<Patient> seeded(String system, String encounterSystem, List<String> encounters,
                                List<String> simulatorIds) {
        List<Patient> out = new ArrayList<>();
        for (int i = 0; i < simulatorIds.size(); i++) {
            out.add(new Patient(Json.MAPPER.createObjectNode().put("system", system).put("value", "100" + (i + 1)),
                    Json.MAPPER.createObjectNode().put("system", encounterSystem).put("value", encounters.get(i)),
                    simulatorIds.get(i)));
        }
        return out;
    }
}
