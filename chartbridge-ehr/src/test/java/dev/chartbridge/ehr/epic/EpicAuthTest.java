package dev.chartbridge.ehr.epic;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.ehr.auth.ClientAuthentication;
import dev.chartbridge.ehr.testing.GatewayIdentity;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.simulators.auth.AccessToken;
import dev.chartbridge.simulators.auth.SmartAuth;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.epic.EpicSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.chartbridge.ehr.epic.EpicTesting.MARIA;
import static org.assertj.core.api.Assertions.assertThat;

/** SMART Backend Services at Epic: the assertion Epic accepts, one token for many writes, refresh, least scopes. */
class EpicAuthTest {
    @RegisterExtension
    static final EpicSimulatorExtension EPIC = new EpicSimulatorExtension();
    static GatewayIdentity gateway;

    @BeforeAll
    static void register() {
        gateway = new GatewayIdentity();
        EPIC.simulator().registerClient(EpicTesting.CLIENT, gateway.jwksUrl().toString(), EpicTesting.ALLOWED);
    }

    @AfterAll
    static void close() {
        gateway.close();
    }

    private static long counter(String name) {
        return EPIC.simulator().stats().count(name);
    }

    @Test
    void epic_accepts_the_rs384_assertion_with_kid_and_the_gateways_jwks_url_as_jku() throws Exception {
        EpicAdapter adapter = EpicTesting.adapter(EPIC.simulator(), gateway.env());
        assertThat(adapter.send(Writes.write(MARIA.event("allergy"), 0, "assertion")))
                .isInstanceOf(SendOutcome.Created.class);
        assertThat(counter(SmartAuth.TOKENS_ISSUED)).isEqualTo(1);
        assertThat(counter(SmartAuth.TOKEN_REFUSALS)).isZero();

        // the assertion the adapter signs, as Epic reads it
        List<SignedJWT> assertions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Map<String, String> form = new HashMap<>();
            new ClientAuthentication.PrivateKeyJwt(EpicTesting.CLIENT, gateway.key(), gateway.jwksUrl(),
                    Clock.systemUTC()).apply(EPIC.simulator().tokenUrl(), form, new HashMap<>());
            assertThat(form).containsEntry("client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            assertions.add(SignedJWT.parse(form.get("client_assertion")));
        }
        RSAKey published = (RSAKey) JWKSet.parse(gateway.key().publicJwks()).getKeys().get(0);
        for (SignedJWT jwt : assertions) {
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(gateway.key().keyId()).isEqualTo(published.getKeyID());
            assertThat(jwt.getHeader().getJWKURL()).isEqualTo(gateway.jwksUrl());
            assertThat(jwt.verify(new RSASSAVerifier(published))).isTrue();
            var claims = jwt.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo(EpicTesting.CLIENT).isEqualTo(claims.getSubject());
            assertThat(claims.getAudience()).containsExactly(EPIC.simulator().tokenUrl());
            assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                    .isLessThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(claims.getJWTID()).isNotBlank().hasSizeLessThanOrEqualTo(151);
        }
        assertThat(assertions.get(0).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(assertions.get(1).getJWTClaimsSet().getJWTID());
    }

    @Test
    void an_assertion_whose_jku_is_not_the_registered_jwks_url_is_refused_and_nothing_is_written() {
        EpicSimulator sim = EPIC.simulator();
        sim.registerClient("elsewhere", "http://127.0.0.1:9/other/jwks.json", EpicTesting.ALLOWED);
        EpicAdapter adapter = new EpicAdapter(EpicTesting.connection(sim, "elsewhere", EpicTesting.SUPPORTED,
                Duration.ofSeconds(5)), gateway.env());
        SendOutcome sent = adapter.send(Writes.write(MARIA.event("allergy"), 0, "wrong-jku"));
        assertThat(sent).isInstanceOf(SendOutcome.Retryable.class);
        assertThat(((SendOutcome.Retryable) sent).error().errorClass()).isEqualTo(ErrorClass.AUTH);
        assertThat(((SendOutcome.Retryable) sent).error().vendorCode()).isEqualTo("invalid_client");
        assertThat(counter(SmartAuth.TOKEN_REFUSALS)).isEqualTo(1);
        assertThat(sim.resources("AllergyIntolerance")).isEmpty();
    }

    @Test
    void twenty_concurrent_writes_fetch_exactly_one_token() throws Exception {
        EpicAdapter adapter = EpicTesting.adapter(EPIC.simulator(), gateway.env());
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<SendOutcome>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // twenty different readings: Epic files the same reading only once (59189)
                String at = "2026-11-20T09:%02d:00Z".formatted(10 + i);
                WriteContext w = Writes.write(MARIA.event("vitals", e -> e.put("occurredAt", at)), i % 2,
                        "concurrent-" + i);
                sends.add(pool.submit(() -> adapter.send(w)));
            }
            for (Future<SendOutcome> f : sends) {
                assertThat(f.get()).isInstanceOf(SendOutcome.Created.class);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter(SmartAuth.TOKEN_REQUESTS)).isEqualTo(1);
        assertThat(EPIC.simulator().resources("Observation")).hasSize(20);
    }

    @Test
    void a_token_expired_at_epic_is_refreshed_once_and_the_write_lands_once() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = EpicTesting.adapter(sim, gateway.env());
        ClinicalEvent vitals = MARIA.event("vitals");
        assertThat(adapter.send(Writes.write(vitals, 0, "before-expiry"))).isInstanceOf(SendOutcome.Created.class);
        sim.auth().expireAll();
        assertThat(adapter.send(Writes.write(vitals, 1, "after-expiry"))).isInstanceOf(SendOutcome.Created.class);
        assertThat(counter(SmartAuth.TOKEN_REQUESTS)).isEqualTo(2);
        assertThat(counter(SmartAuth.API_REFUSALS)).isEqualTo(1);
        assertThat(sim.countWithIdentifier(WriteContext.IDENTIFIER_SYSTEM, "after-expiry")).isEqualTo(1);
    }

    @Test
    void a_vitals_only_tenant_asks_only_for_what_vitals_need_and_takes_epics_v1_spellings() {
        EpicSimulator sim = EPIC.simulator();
        EpicAdapter adapter = new EpicAdapter(EpicTesting.connection(sim, EpicTesting.CLIENT, Set.of("vitals"),
                Duration.ofSeconds(5)), gateway.env());
        // Observation.u apart: Epic takes Observation updates (compensation marks a reading entered-in-error).
        assertThat(adapter.scopes()).containsExactly("system/Patient.s", "system/Encounter.s",
                "system/Observation.crs", "system/Observation.u");
        assertThat(adapter.send(Writes.write(MARIA.event("vitals"), 0, "vitals-only")))
                .isInstanceOf(SendOutcome.Created.class);
        List<AccessToken> tokens = sim.auth().tokens();
        assertThat(tokens).hasSize(1);
        assertThat(tokens.get(0).scopes()).containsExactlyInAnyOrder("system/Patient.read", "system/Encounter.read",
                "system/Observation.read", "system/Observation.write");
    }
}
