package dev.chartbridge.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chartbridge.core.json.Json;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;

/** Writes the API's answers: JSON bodies, and every error as {@code application/problem+json}. Stateless. */
final class Responses {
    private static final String PROBLEM_JSON = "application/problem+json";

    private Responses() {
    }

    static void problem(Context ctx, Problem p) {
        write(ctx, p.status(), PROBLEM_JSON, p);
    }

    static void json(Context ctx, int status, Object body) {
        write(ctx, status, "application/json", body);
    }

    private static void write(Context ctx, int status, String type, Object body) {
        try {
            ctx.status(status).contentType(type).result(Json.MAPPER.writeValueAsString(body)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response bodies always serialize", e);
        }
    }
}
