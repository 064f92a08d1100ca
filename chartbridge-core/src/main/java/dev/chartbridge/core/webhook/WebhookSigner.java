package dev.chartbridge.core.webhook;

import dev.chartbridge.core.ChartBridgeException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Signs a webhook body: {@code ChartBridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}, keyed
 * with the webhook's secret (its UTF-8 bytes). A receiver recomputes the HMAC over the timestamp, a dot and the raw
 * body, compares in constant time, and refuses a timestamp too far from its clock (replay). Thread-safe.
 */
public final class WebhookSigner {
    /** The signature header. */
    public static final String HEADER = "ChartBridge-Signature";

    private WebhookSigner() {
    }

    public static String header(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
    }

    private static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new ChartBridgeException("HMAC-SHA256 is not available", e);
        }
    }
}
