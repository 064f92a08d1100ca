package dev.chartbridge.ehr.auth;

import dev.chartbridge.core.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A token failure is remembered per connection: a revoked client costs one token request per backoff window
 * however many writes ask, the windows grow, and a token that can be had again ends the memory.
 */
class CachingTokenSourceTest {
    private final TestClock clock = new TestClock();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicBoolean revoked = new AtomicBoolean(true);
    private final CachingTokenSource tokens = new CachingTokenSource(() -> {
        requests.incrementAndGet();
        if (revoked.get()) {
            throw new AuthException("invalid_client", "token endpoint refused (401 invalid_client)", false);
        }
        return new IssuedToken("t" + requests.get(), clock.instant().plus(Duration.ofMinutes(5)));
    }, Duration.ofSeconds(60), clock);

    private void askFromManyWrites(int writes) {
        for (int i = 0; i < writes; i++) {
            assertThatThrownBy(tokens::token).isInstanceOf(AuthException.class)
                    .hasMessageContaining("invalid_client");
        }
    }

    @Test
    void a_revoked_client_costs_one_token_request_per_window_however_many_writes_ask() {
        askFromManyWrites(100);
        assertThat(requests.get()).isEqualTo(1);

        Instant firstWindowEnds = tokens.failedUntil();
        assertThat(Duration.between(clock.instant(), firstWindowEnds))
                .isBetween(CachingTokenSource.FIRST_WAIT.dividedBy(2), CachingTokenSource.FIRST_WAIT);
        clock.set(firstWindowEnds);
        askFromManyWrites(100);
        assertThat(requests.get()).isEqualTo(2);

        Duration second = Duration.between(clock.instant(), tokens.failedUntil());
        assertThat(second).as("the next window is longer")
                .isBetween(CachingTokenSource.FIRST_WAIT, CachingTokenSource.FIRST_WAIT.multipliedBy(2));
    }

    @Test
    void the_windows_stop_growing_at_the_cap() {
        for (int i = 0; i < 20; i++) {
            askFromManyWrites(3);
            clock.set(tokens.failedUntil());
        }
        askFromManyWrites(1);

        assertThat(requests.get()).isEqualTo(21);
        assertThat(Duration.between(clock.instant(), tokens.failedUntil()))
                .isLessThanOrEqualTo(CachingTokenSource.MAX_WAIT);
    }

    @Test
    void a_client_that_works_again_gets_its_token_once_the_window_ends() {
        askFromManyWrites(5);
        revoked.set(false);
        askFromManyWrites(1); // still inside the window: the vendor is not asked

        clock.set(tokens.failedUntil());

        assertThat(tokens.token()).isEqualTo("t2");
        assertThat(tokens.failedUntil()).isNull();
        assertThat(tokens.token()).isEqualTo("t2");
        assertThat(requests.get()).isEqualTo(2);
    }
}
