package dev.chartbridge.core.audit;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The hashes of the audit trail, every field length-prefixed so that no two different inputs hash alike:
 * <ul>
 *   <li>{@link #keyed}: the link of an entry into its tenant's chain, HMAC-SHA256 under the chain key over the
 *   previous hash and every field of the entry; without the key nobody can recompute a chain;</li>
 *   <li>{@link #unkeyed}: the same with plain SHA-256, as sealed before issue #15 (verified for entries up to the
 *   chain epoch only);</li>
 *   <li>{@link #entryMac}: the gateway's signature of an entry it appends, over a random nonce and the fields
 *   known before the insert, so a row inserted without the key is told apart.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class ChainHash {
    static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    static String keyed(AuditKeys keys, String previousHash, AuditEntry e) {
        Mac mac = keys.chainMac();
        mac.update(prefixed("chain v2"));
        for (String field : fields(previousHash, e)) {
            mac.update(prefixed(field));
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }

    static String unkeyed(String previousHash, AuditEntry e) {
        MessageDigest sha = sha256();
        for (String field : fields(previousHash, e)) {
            sha.update(prefixed(field));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** {@code base64(nonce) "." base64(hmac)}: unique per entry, checkable only with the key. */
    static String entryMac(AuditKeys keys, byte[] nonce, String tenantId, String actor, String action, UUID eventId,
                           UUID operationId, String detail) {
        Mac mac = keys.chainMac();
        mac.update(prefixed("entry v1"));
        mac.update(nonce);
        for (String field : new String[]{tenantId, actor, action, String.valueOf(eventId),
                String.valueOf(operationId), detail}) {
            mac.update(prefixed(field));
        }
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return b64.encodeToString(nonce) + "." + b64.encodeToString(mac.doFinal());
    }

    /** Whether {@code stored} is the gateway's MAC of the entry. */
    static boolean entryMacValid(AuditKeys keys, String stored, AuditEntry e) {
        if (stored == null) {
            return false;
        }
        int dot = stored.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        byte[] nonce;
        try {
            nonce = Base64.getDecoder().decode(stored.substring(0, dot));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        String expected = entryMac(keys, nonce, e.tenantId(), e.actor(), e.action(), e.eventId(), e.operationId(),
                e.detail());
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                stored.getBytes(StandardCharsets.US_ASCII));
    }

    private static String[] fields(String previousHash, AuditEntry e) {
        return new String[]{previousHash, Long.toString(e.id()), e.tenantId(),
                Long.toString(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.recordedAt())), e.actor(),
                e.action(), String.valueOf(e.eventId()), String.valueOf(e.operationId()), e.detail()};
    }

    private static byte[] prefixed(String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        byte[] length = (bytes.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[length.length + bytes.length];
        System.arraycopy(length, 0, out, 0, length.length);
        System.arraycopy(bytes, 0, out, length.length, bytes.length);
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
