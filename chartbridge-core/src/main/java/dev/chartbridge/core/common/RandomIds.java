package dev.chartbridge.core.common;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Unpredictable ids and nonces, as {@link UUID#randomUUID()} makes them but from a {@link SecureRandom} per thread.
 * {@code UUID.randomUUID()} draws from one JVM-wide generator behind a lock; intake draws five to seven times per
 * request (the request id, the event's and operations' ids, the audit entries' nonces), and on a loaded machine
 * the request threads queued on that lock (issue #17: 17 s of waits, summed over the threads, in 70 s of the intake
 * benchmark's load). Each thread's
 * generator is a DRBG seeded by the JVM's seed source, as strong as the shared one. Thread-safe.
 */
public final class RandomIds {
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RandomIds::newGenerator);

    private RandomIds() {
    }

    /** A random (version 4) UUID, like {@link UUID#randomUUID()}. */
    public static UUID uuid() {
        byte[] b = new byte[16];
        RANDOM.get().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xff);
            lsb = (lsb << 8) | (b[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    /** Fills {@code bytes} with random bytes (a nonce). */
    public static void nextBytes(byte[] bytes) {
        RANDOM.get().nextBytes(bytes);
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
