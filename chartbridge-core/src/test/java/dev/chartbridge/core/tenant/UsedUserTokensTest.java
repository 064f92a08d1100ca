package dev.chartbridge.core.tenant;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class UsedUserTokensTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void a_jti_is_accepted_once_per_tenant_and_forgotten_after_it_expires() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        UsedUserTokens tokens = new UsedUserTokens(pg.jdbc(), Clock.fixed(now, ZoneOffset.UTC));
        Instant exp = now.plus(Duration.ofMinutes(5));
        assertThat(tokens.firstUse("acme", "jti-1", exp)).isTrue();
        assertThat(tokens.firstUse("acme", "jti-1", exp)).as("replayed").isFalse();
        assertThat(tokens.firstUse("other", "jti-1", exp)).as("another tenant's issuer").isTrue();

        UsedUserTokens later = new UsedUserTokens(pg.jdbc(), Clock.fixed(exp.plus(Duration.ofMinutes(3)),
                ZoneOffset.UTC));
        assertThat(later.cleanUp()).isEqualTo(2);
        assertThat(pg.count("SELECT count(*) FROM user_token_seen WHERE jti = 'jti-1'")).isZero();
    }
}
