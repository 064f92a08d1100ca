package dev.chartbridge.core.tenant;

import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The user assertions already used, by {@code jti}, kept in PostgreSQL until they expire so that a token is
 * accepted once across every node of the gateway. Expired rows are deleted at most once a minute, by whichever
 * request comes first. Thread-safe.
 */
public final class UsedUserTokens {
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);
    /** Kept past exp by the verifier's clock skew allowance, so a token still verifying is still remembered. */
    private static final Duration KEEP_PAST_EXPIRY = Duration.ofMinutes(2);

    private final Jdbc jdbc;
    private final Clock clock;
    private final AtomicReference<Instant> nextCleanup = new AtomicReference<>(Instant.MIN);

    public UsedUserTokens(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records the token's first use; false when the tenant has seen this {@code jti} before (a replay).
     *
     * @param expiresAt the token's {@code exp}
     */
    public boolean firstUse(String tenantId, String jti, Instant expiresAt) {
        cleanUpIfDue();
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_token_seen (tenant_id, jti, expires_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (tenant_id, jti) DO NOTHING")) {
                ps.setString(1, tenantId);
                ps.setString(2, jti);
                ps.setTimestamp(3, Timestamp.from(expiresAt.plus(KEEP_PAST_EXPIRY)));
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Deletes the rows of tokens that expired; returns how many. */
    public int cleanUp() {
        Instant now = clock.instant();
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_token_seen WHERE expires_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                return ps.executeUpdate();
            }
        });
    }

    private void cleanUpIfDue() {
        Instant now = clock.instant();
        Instant due = nextCleanup.get();
        if (now.isAfter(due) && nextCleanup.compareAndSet(due, now.plus(CLEANUP_EVERY))) {
            cleanUp();
        }
    }
}
