package dev.chartbridge.app.config;

import dev.chartbridge.app.http.ApiListener;
import dev.chartbridge.core.ChartBridgeException;

import java.nio.file.Path;
import java.time.Duration;

/** The API listener a configuration's {@code http} section asks for (address, read timeouts, TLS). */
public final class HttpSettings {
    private HttpSettings() {
    }

    /**
     * @throws ChartBridgeException when a timeout is not positive or TLS names only one of its two files
     */
    public static ApiListener listener(GatewayConfig.HttpConfig http) {
        GatewayConfig.TlsConfig tls = http.tls();
        if (tls != null && (tls.certificateChainFile() == null || tls.privateKeyFile() == null)) {
            throw new ChartBridgeException("configuration: http.tls needs certificateChainFile and privateKeyFile");
        }
        return new ApiListener(http.host() == null ? "127.0.0.1" : http.host(),
                http.port() == null ? 8080 : http.port(),
                duration("idleTimeoutMs", http.idleTimeoutMs(), ApiListener.DEFAULT_IDLE),
                duration("headerTimeoutMs", http.headerTimeoutMs(), ApiListener.DEFAULT_HEADERS),
                duration("bodyTimeoutMs", http.bodyTimeoutMs(), ApiListener.DEFAULT_BODY),
                tls == null ? null : Path.of(tls.certificateChainFile()),
                tls == null ? null : Path.of(tls.privateKeyFile()));
    }

    private static Duration duration(String key, Long millis, Duration otherwise) {
        if (millis == null) {
            return otherwise;
        }
        if (millis <= 0) {
            throw new ChartBridgeException("configuration: http." + key + " must be a positive number of ms");
        }
        return Duration.ofMillis(millis);
    }
}
