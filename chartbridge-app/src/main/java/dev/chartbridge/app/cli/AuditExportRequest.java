package dev.chartbridge.app.cli;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.Identifier;

/** Reads the {@code system|value} patient filter of an audit export. */
final class AuditExportRequest {
    private AuditExportRequest() {
    }

    static Identifier patient(String token) {
        if (token == null) {
            return null;
        }
        int bar = token.lastIndexOf('|');
        if (bar <= 0 || bar == token.length() - 1) {
            throw new ChartBridgeException("--patient must be system|value");
        }
        return new Identifier(token.substring(0, bar), token.substring(bar + 1));
    }
}
