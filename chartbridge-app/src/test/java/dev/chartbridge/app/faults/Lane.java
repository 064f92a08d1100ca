package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.simulators.Simulator;

import java.util.List;

/**
 * One vendor in the fault matrix: its simulator, the gateway's connection to it, the patients of its seed, the
 * event types its profile takes, and a count of what the EHR holds, read from the simulator's side. Used by one
 * test thread at a time.
 */
interface Lane extends AutoCloseable {
    /** The connection's name, also the event's target. */
    String target();

    Simulator simulator();

    GatewayConfig.ConnectionConfig connection();

    /** Called once the gateway listens, e.g. to allow-list its JWKS URL at a SMART simulator. */
    default void gatewayStarted(int port) {
    }

    /** The event types sent to this vendor, cycled. */
    List<String> types();

    /** The type whose records this vendor stores with a critical field silently dropped, or null. */
    default String droppedType() {
        return null;
    }

    /** Turns on the silent drop of a critical field of {@link #droppedType()}. */
    default void dropCriticalField() {
    }

    /** How many events the matrix sends this vendor. */
    int events();

    List<Patient> patients();

    /** How many records of the event type the simulator holds for the patient (one per write). */
    int records(String eventType, Patient patient);

    /** What a clinician at the EHR does now and then while writes arrive (Epic: reconcile the holding tank). */
    default void tick() {
    }

    /** Fits an example to this vendor within the canonical format. */
    default void adapt(String eventType, ObjectNode event) {
    }

    @Override
    default void close() {
        simulator().close();
    }

    /** A patient of the vendor's seed: the event's identifier and open encounter, and the simulator's own id. */
    record Patient(ObjectNode identifier, ObjectNode encounter, String simulatorId) {
        static Patient of(String system, String value, String encounterSystem, String encounterValue, String simId) {
            return new Patient(Json.MAPPER.createObjectNode().put("system", system).put("value", value),
                    Json.MAPPER.createObjectNode().put("system", encounterSystem).put("value", encounterValue), simId);
        }
    }
}
