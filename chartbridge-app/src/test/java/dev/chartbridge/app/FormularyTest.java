package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The tenant's file formulary at intake: a drug it does not carry is refused and audited; a stop never is. */
class FormularyTest {
    private static String formularyFile() {
        try {
            Path formulary = Files.createTempFile("formulary", ".csv");
            Files.writeString(formulary, "# Acme formulary\n314076,allow\n197361,deny,amlodipine: use the generic in"
                    + " stock\n*,deny\n");
            formulary.toFile().deleteOnExit();
            return formulary.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static GatewayExtension node = new GatewayExtension("formulary-node", t ->
            new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), t.connections(), null, null,
                    formularyFile()));
    static PostgresExtension pg;
    static TestGateway gateway;

    @BeforeAll
    static void bind() {
        pg = node.pg();
        gateway = node.gateway();
    }

    private static ObjectNode medication(String action, String code, String at) {
        ObjectNode e = Events.of("medication-change");
        ((ObjectNode) e.at("/payload")).put("action", action);
        ((ObjectNode) e.at("/payload/medication")).put("code", code).put("display", "RxNorm " + code);
        e.put("occurredAt", at);
        return e;
    }

    @Test
    void a_medication_the_formulary_does_not_carry_is_refused_naming_the_code_and_audited() {
        ApiClient.Answer denied = gateway.submit(medication("start", "197361", "2026-11-20T10:00:00Z"), "med-denied");
        assertThat(denied.status()).isEqualTo(422);
        assertThat(denied.body().get("type").asText()).endsWith("/gate-refused");
        assertThat(denied.body().at("/errors/0/pointer").asText()).isEqualTo("/payload/medication/code");
        assertThat(denied.body().at("/errors/0/detail").asText())
                .isEqualTo("RxNorm 197361: amlodipine: use the generic in stock");

        ApiClient.Answer unlisted = gateway.submit(medication("change", "860975", "2026-11-20T10:01:00Z"),
                "med-unlisted");
        assertThat(unlisted.status()).isEqualTo(422);
        assertThat(unlisted.body().at("/errors/0/detail").asText())
                .isEqualTo("RxNorm 860975 is not on the tenant's formulary");
        assertThat(node.refusalsAudited("/payload/medication/code RxNorm ")).isEqualTo(2);
        assertThat(node.eventsStored("med-%")).isZero();
    }

    @Test
    void a_listed_medication_is_held_for_approval_and_a_stop_is_never_refused() {
        ApiClient.Answer allowed = gateway.submit(medication("start", "314076", "2026-11-20T11:00:00Z"), "ok-start");
        assertThat(allowed.status()).as("%s", allowed.body()).isEqualTo(202);
        assertThat(allowed.body().at("/operations/0/state").asText()).isEqualTo("AWAITING_APPROVAL");

        ObjectNode stop = medication("stop", "197361", "2026-11-20T11:01:00Z");
        ((ObjectNode) stop.get("payload")).remove(java.util.List.of("dose", "route", "frequency"));
        ApiClient.Answer stopped = gateway.submit(stop, "ok-stop");
        assertThat(stopped.status()).as("%s", stopped.body()).isEqualTo(202);
    }
}
