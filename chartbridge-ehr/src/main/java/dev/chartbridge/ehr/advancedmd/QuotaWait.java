package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.ChartBridgeException;

import java.time.Duration;

/** The gateway's own AdvancedMD budget has no room for a request now; nothing was sent. */
final class QuotaWait extends ChartBridgeException {
    private final transient Duration wait;

    QuotaWait(Duration wait) {
        super("AdvancedMD request budget of this office key used up for the current 60 s");
        this.wait = wait;
    }

    Duration waitFor() {
        return wait;
    }
}
