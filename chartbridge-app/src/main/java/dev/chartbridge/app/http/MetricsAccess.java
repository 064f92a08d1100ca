package dev.chartbridge.app.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: the Prometheus scrape, open when no token is configured (the default, so existing scrapers
 * keep working) and otherwise only with {@code Authorization: Bearer <token>} (Prometheus' {@code authorization}
 * scrape setting), compared in constant time. Metrics name tenants and connections, so a deployment whose metrics
 * port is reachable beyond its monitoring should set the token. Thread-safe.
 */
final class MetricsAccess {
    private final byte[] token;
    private final PrometheusMeterRegistry registry;

    /** @param token the bearer token required, or null for none */
    MetricsAccess(String token, PrometheusMeterRegistry registry) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.registry = registry;
    }

    void scrape(Context ctx) {
        if (token != null) {
            String header = ctx.header("Authorization");
            byte[] sent = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(token, sent)) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"chartbridge-metrics\"");
                Responses.problem(ctx, Problem.of(401, "unauthenticated", "Unauthenticated",
                        "/metrics needs the metrics token as Authorization: Bearer <token>")
                        .naming("header:Authorization", "is not the metrics token"));
                return;
            }
        }
        ctx.contentType("text/plain; version=0.0.4").result(registry.scrape());
    }
}
