package dev.chartbridge.core.webhook;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The signer against the reference vector of the Standard Webhooks project, and the secret's serialization. */
class WebhookSignerTest {
    @Test
    void the_signature_matches_the_reference_vector() {
        // standard-webhooks/standard-webhooks libraries/python/tests/test_webhooks.py, test_sign_function.
        assertThat(WebhookSigner.signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void a_new_secret_is_whsec_and_standard_base64_of_32_random_bytes() {
        String secret = WebhookSigner.newSecret();
        assertThat(secret).startsWith("whsec_").isNotEqualTo(WebhookSigner.newSecret());
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    }

    @Test
    void a_secret_issued_before_standard_webhooks_keys_the_same_bytes_it_encodes() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0xF0 + i); // URL-safe base64 of these has '-' or '_'
        }
        String old = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        assertThat(old).containsAnyOf("-", "_");
        assertThat(WebhookSigner.key(old)).isEqualTo(key);
    }
}
