package dev.chartbridge.app.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

import java.util.Map;

/**
 * Renders the console's templates (compiled to Java at build time from {@code src/main/jte}, HTML-escaped by
 * context) and sets the headers every console page carries: no caching of patient data, no framing, no
 * referrer, and a content security policy that allows nothing but this origin's stylesheet (the console runs no
 * script). Thread-safe.
 */
final class ConsoleView {
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    void render(Context ctx, int status, String template, Map<String, Object> model) {
        StringOutput out = new StringOutput();
        engine.render("console/" + template + ".jte", model, out);
        secure(ctx);
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    static void secure(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
