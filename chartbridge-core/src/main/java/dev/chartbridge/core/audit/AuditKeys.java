package dev.chartbridge.core.audit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The keys that make the audit trail evident to a database writer: one signs each entry and links the chain
 * (HMAC-SHA256), one signs the checkpoints written outside the database. Both are derived from the master key
 * (HMAC-SHA256 of the master key over a fixed label), so they are never stored in the database, every node that
 * shares the database (and therefore the master key) derives the same ones, and nothing new must be kept. Who
 * holds the master key can forge the trail; see docs/security.md. Immutable and thread-safe.
 */
public final class AuditKeys {
    private final byte[] chain;
    private final byte[] checkpoint;
    /**
     * The chain key's MAC, one per thread: {@code Mac.getInstance} looks the provider up reflectively and
     * {@code init} derives the pads, per entry signed and per entry sealed until issue #17.
     */
    private final ThreadLocal<Mac> chainMacs;

    private AuditKeys(byte[] chain, byte[] checkpoint) {
        this.chain = chain;
        this.checkpoint = checkpoint;
        this.chainMacs = ThreadLocal.withInitial(() -> mac(chain));
    }

    /** The keys derived from the 32-byte master key. */
    public static AuditKeys derive(byte[] masterKey) {
        return new AuditKeys(hmac(masterKey, "chartbridge audit-chain v1".getBytes(StandardCharsets.US_ASCII)),
                hmac(masterKey, "chartbridge audit-checkpoint v1".getBytes(StandardCharsets.US_ASCII)));
    }

    /** The chain key's MAC, reset, for the calling thread only: use it up (doFinal) before asking again. */
    Mac chainMac() {
        Mac mac = chainMacs.get();
        mac.reset();
        return mac;
    }

    Mac checkpointMac() {
        return mac(checkpoint);
    }

    /** A fingerprint of the chain key (not the key): lets an operator see that two nodes use the same. */
    public String fingerprint() {
        return java.util.HexFormat.of().formatHex(Arrays.copyOf(hmac(chain, new byte[]{0}), 4));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "AuditKeys[" + fingerprint() + "]";
    }
}
