package dev.chartbridge.core.tenant;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KeyStrengthTest {
    @Test
    void a_key_of_32_random_bytes_is_strong_enough() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        assertThat(KeyStrength.weakness("cbk_abcd1234_" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(bytes))).isNull();
    }

    @Test
    void short_repetitive_and_unprintable_keys_are_refused_with_the_reason() {
        assertThat(KeyStrength.weakness("x")).contains("shorter than 32");
        assertThat(KeyStrength.weakness("cbk_test_key_acme_0123456789")).contains("shorter than 32");
        assertThat(KeyStrength.weakness("a".repeat(64))).contains("too predictable");
        assertThat(KeyStrength.weakness("abab".repeat(16))).contains("too predictable");
        assertThat(KeyStrength.weakness("cbk_Q3v9xK2mP7wR4tY8zB1nL6cF0hJ5dS é")).contains("visible ASCII");
    }

    @Test
    void the_prefix_of_an_issued_form_key_is_its_public_name() {
        assertThat(ApiKeys.prefixOf("cbk_ab12cd34_secretpart_with_underscores")).isEqualTo("cbk_ab12cd34");
        assertThat(ApiKeys.prefixOf("not-a-prefixed-key")).isNull();
        assertThat(ApiKeys.prefixOf("cbk_UPPER_secret")).isNull();
    }
}
