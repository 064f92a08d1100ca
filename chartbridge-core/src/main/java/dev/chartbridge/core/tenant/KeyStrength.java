package dev.chartbridge.core.tenant;

import java.util.HashMap;
import java.util.Map;

/**
 * The least an API key's secret must be: at least {@value #MIN_LENGTH} characters and an estimated
 * {@value #MIN_BITS} bits of entropy (the Shannon entropy of its characters times its length). The estimate only
 * catches the obviously weak (short, repetitive); a key should be random bytes, as {@link ApiKeys#issue} makes
 * them. Thread-safe (stateless).
 */
public final class KeyStrength {
    public static final int MIN_LENGTH = 32;
    public static final int MIN_BITS = 128;

    private KeyStrength() {
    }

    /** Why the secret is too weak, or null when it is strong enough. */
    public static String weakness(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return "is shorter than " + MIN_LENGTH + " characters";
        }
        if (estimatedBits(secret) < MIN_BITS) {
            return "is too predictable (under " + MIN_BITS + " bits of estimated entropy); use random bytes, e.g."
                    + " openssl rand -base64 32";
        }
        if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return "must be visible ASCII characters only";
        }
        return null;
    }

    /** The Shannon entropy of the secret's character distribution times its length, in bits. */
    static double estimatedBits(String secret) {
        Map<Integer, Integer> counts = new HashMap<>();
        secret.chars().forEach(c -> counts.merge(c, 1, Integer::sum));
        double n = secret.length();
        double perChar = 0;
        for (int count : counts.values()) {
            double p = count / n;
            perChar -= p * Math.log(p) / Math.log(2);
        }
        return perChar * n;
    }
}
