package dev.chartbridge.core.webhook;

import dev.chartbridge.core.ChartBridgeException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs webhook requests the Standard Webhooks way (https://www.standardwebhooks.com/, spec
 * standard-webhooks/standard-webhooks {@code spec/standard-webhooks.md}, "Signature scheme" and "Webhook
 * headers"): {@code webhook-id}, {@code webhook-timestamp} (unix seconds) and
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, keyed with the bytes of the secret,
 * which is serialized as {@code whsec_<base64>}. Also the deprecated {@code ChartBridge-Signature} header of
 * earlier versions, kept for one release. Thread-safe (stateless).
 */
public final class WebhookSigner {
    /** The unique message id; the same on every attempt and on a resend of the same delivery. */
    public static final String ID_HEADER = "webhook-id";
    /** When this attempt was made, unix seconds. */
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    /** Space-delimited signatures, each {@code v1,<base64>}. */
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /**
     * The signature header of versions before Standard Webhooks: {@code t=<unix>,v1=<hex HMAC-SHA256 of "t.body">}
     * keyed with the UTF-8 bytes of the whole secret string.
     *
     * @deprecated verify {@link #SIGNATURE_HEADER} instead; this header goes away in the next release
     */
    @Deprecated
    public static final String HEADER = "ChartBridge-Signature";
    private static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSigner() {
    }

    /** A fresh secret: {@code whsec_} and the standard base64 of 32 random bytes (the spec asks for 24 to 64). */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} value: {@code v1,<base64 HMAC-SHA256 of "msgId.timestamp.body">}. */
    public static String signature(String secret, String msgId, long unixSeconds, String body) {
        byte[] mac = hmac(key(secret), msgId + "." + unixSeconds + "." + body);
        return "v1," + Base64.getEncoder().encodeToString(mac);
    }

    /**
     * The deprecated {@code ChartBridge-Signature} value.
     *
     * @deprecated use {@link #signature(String, String, long, String)}
     */
    @Deprecated
    public static String legacyHeader(String secret, long unixSeconds, String body) {
        byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), unixSeconds + "." + body);
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac);
    }

    /**
     * The key bytes of a {@code whsec_} secret. Secrets made before Standard Webhooks were URL-safe base64; they
     * decode to the same bytes here (the standard decoder is tried first, padding optional).
     */
    static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return Base64.getUrlDecoder().decode(encoded);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new ChartBridgeException("HMAC-SHA256 is not available", e);
        }
    }
}
