package dev.chartbridge.rig.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.Simulator;

import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * One EHR of the demo: its simulator, the connection a tenant would configure for it, Maria Garcia's patient and
 * open-encounter identifiers in that EHR's seed data, and what the EHR needs once the gateway listens (e.g. the
 * gateway's JWKS URL registered as a SMART client).
 *
 * @param adapt adjusts a sample event to what the vendor takes within the canonical format (e.g. a confirmed
 *              condition where the vendor has no provisional state)
 */
record DemoEhr(String target, String label, Simulator simulator, GatewayConfig.ConnectionConfig connection,
               ObjectNode patient, ObjectNode encounter, IntConsumer onGatewayPort,
               BiConsumer<String, ObjectNode> adapt) {
}
