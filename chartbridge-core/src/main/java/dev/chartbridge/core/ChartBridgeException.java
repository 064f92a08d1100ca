package dev.chartbridge.core;

/** The root of ChartBridge's own unchecked exceptions; subclasses carry the context of what failed. */
public class ChartBridgeException extends RuntimeException {
    public ChartBridgeException(String message) {
        super(message);
    }

    public ChartBridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
