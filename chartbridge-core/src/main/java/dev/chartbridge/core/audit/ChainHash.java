package dev.chartbridge.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash that links an entry into its tenant's chain: SHA-256 over the previous hash and every field of the
 * entry, each length-prefixed so that no two different entries hash alike. Stateless and thread-safe.
 */
final class ChainHash {
    static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    static String of(String previousHash, AuditEntry e) {
        MessageDigest sha = sha256();
        for (String field : new String[]{previousHash, Long.toString(e.id()), e.tenantId(),
                Long.toString(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.recordedAt())), e.actor(),
                e.action(), String.valueOf(e.eventId()), String.valueOf(e.operationId()), e.detail()}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
