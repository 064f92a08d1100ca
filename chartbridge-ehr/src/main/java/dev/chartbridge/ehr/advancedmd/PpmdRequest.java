package dev.chartbridge.ehr.advancedmd;

import java.util.Map;

/**
 * One AdvancedMD action as the gateway means to send it: the action, its class, its attributes in order and its
 * child elements (already XML). The session token and msgtime are added per attempt ({@link #xml}). Immutable.
 */
record PpmdRequest(String action, String cls, Map<String, String> attributes, String children) {
    static PpmdRequest api(String action, Map<String, String> attributes) {
        return new PpmdRequest(action, "api", attributes, "");
    }

    String xml(String msgtime, String token) {
        return PpmdXml.message(action, cls, msgtime, token, attributes, children);
    }

    ActionTier tier() {
        return ActionTier.of(action);
    }
}
