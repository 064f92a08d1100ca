package dev.chartbridge.app;

import dev.chartbridge.core.tenant.ApiKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sign-in and forms over plain HTTP: the session cookie's attributes, the CSRF token each form needs,
 * a key that does not verify, another tenant's events, release controls for administrators only, and escaping.
 */
class ConsoleSecurityTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("console-security-node", t -> t);

    /** A key of the other tenant, issued before the tests. */
    static String OTHER_KEY;
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void otherTenant() {
        OTHER_KEY = new ApiKeys(env.gateway().gateway().jdbc()).issue("other", "test", "console",
                java.util.Set.of(dev.chartbridge.core.tenant.KeyRole.APP, dev.chartbridge.core.tenant.KeyRole.REVIEWER,
                        dev.chartbridge.core.tenant.KeyRole.ADMIN), null).secret();
    }

    /** A browser's state: its cookies. */
    final class Browser {
        final Map<String, String> cookies = new LinkedHashMap<>();

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(uri(path)).GET());
        }

        HttpResponse<String> post(String path, Map<String, String> form) {
            String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        private HttpResponse<String> send(HttpRequest.Builder b) {
            if (!cookies.isEmpty()) {
                b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                r.headers().allValues("Set-Cookie").forEach(c -> {
                    String pair = c.split(";", 2)[0];
                    int eq = pair.indexOf('=');
                    if (pair.substring(eq + 1).isEmpty()) {
                        cookies.remove(pair.substring(0, eq));
                    } else {
                        cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                });
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Signs in through the form; returns the CSRF token of the pages after. */
        String signIn(String key) {
            String token = csrf(get("/console/login").body());
            HttpResponse<String> r = post("/console/login", Map.of("csrf", token, "operator", "Ops One", "apiKey", key));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
            return csrf(get("/console/dashboard").body());
        }
    }

    @Test
    void a_session_cookie_is_http_only_and_same_site_strict_and_pages_need_it() {
        Browser b = new Browser();
        HttpResponse<String> anonymous = b.get("/console/events");
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/console/login");

        String token = csrf(b.get("/console/login").body());
        HttpResponse<String> in = b.post("/console/login", Map.of("csrf", token, "operator", "Ops One",
                "apiKey", TestGateway.KEY));
        assertThat(in.statusCode()).isEqualTo(303);
        String cookie = in.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("cb_console="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/console");
        HttpResponse<String> page = b.get("/console/events");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'")
                .doesNotContain("script-src");
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'console.signed-in'"
                + " AND actor LIKE '% console:Ops One'")).isPositive();

        b.post("/console/logout", Map.of("csrf", csrf(page.body())));
        assertThat(b.get("/console/events").statusCode()).isEqualTo(303);
    }

    @Test
    void sign_in_needs_the_form_token_and_a_valid_key() {
        Browser b = new Browser();
        String token = csrf(b.get("/console/login").body());
        assertThat(b.post("/console/login", Map.of("csrf", "forged", "operator", "x", "apiKey", TestGateway.KEY))
                .statusCode()).isEqualTo(403);
        token = csrf(b.get("/console/login").body());
        HttpResponse<String> bad = b.post("/console/login", Map.of("csrf", token, "operator", "x",
                "apiKey", "cbk_not_a_key"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("That API key is not valid.");
        assertThat(b.cookies).doesNotContainKey("cb_console");
    }

    @Test
    void a_form_posted_without_its_csrf_token_changes_nothing() {
        env.ehr().faults().errorRate(1.0, 503, null, true);
        String event = env.gateway().submit(Events.bloodPressure(7001), null).body().get("id").asText();
        env.gateway().awaitSettled(event);
        env.ehr().faults().clear();
        String op = env.gateway().status(event).body().at("/operations/0/id").asText();
        Browser b = new Browser();
        String token = b.signIn(TestGateway.KEY);

        HttpResponse<String> forged = b.post("/console/review/" + op, Map.of("action", "retry", "reason", "x"));

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(env.gateway().status(event).body().at("/operations/0/state").asText()).isEqualTo("DEAD");
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE operation_id = '" + op
                + "' AND action LIKE 'review.%'")).isZero();
        HttpResponse<String> real = b.post("/console/review/" + op, Map.of("csrf", token, "action", "retry",
                "reason", "the EHR is back"));
        assertThat(real.statusCode()).isEqualTo(303);
        assertThat(b.get(real.headers().firstValue("Location").orElseThrow()).body())
                .contains("retry: " + op + " went from DEAD to DUE.");
        assertThat(env.gateway().awaitSettled(event).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
    }

    @Test
    void dead_writes_are_retried_in_bulk_from_the_review_page() {
        env.ehr().faults().errorRate(1.0, 503, null, true);
        String first = env.gateway().submit(Events.bloodPressureSpread(7010), null).body().get("id").asText();
        String second = env.gateway().submit(Events.bloodPressureSpread(7011), null).body().get("id").asText();
        env.gateway().awaitSettled(first);
        env.gateway().awaitSettled(second);
        env.ehr().faults().clear();
        Browser b = new Browser();
        String token = b.signIn(TestGateway.KEY);

        HttpResponse<String> r = b.post("/console/review/retry", Map.of("csrf", token, "state", "DEAD",
                "target", TestGateway.TARGET, "errorClass", "TRANSIENT", "reason", "EHR outage over"));

        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(b.get("/console/review").body()).containsPattern("Bulk retry: [1-9][0-9]* of [1-9][0-9]* writes");
        for (String event : java.util.List.of(first, second)) {
            assertThat(env.gateway().awaitSettled(event).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        }
        assertThat(env.pg().count("SELECT count(*) FROM audit_entry WHERE action = 'review.retry' AND event_id IN ('"
                + first + "', '" + second + "') AND detail LIKE '%EHR outage over%'")).isEqualTo(2);
    }

    @Test
    void another_tenants_operator_cannot_see_this_tenants_event() {
        String event = env.gateway().submit(Events.bloodPressure(7002), null).body().get("id").asText();
        Browser mine = new Browser();
        mine.signIn(TestGateway.KEY);
        assertThat(mine.get("/console/events/" + event).statusCode()).isEqualTo(200);
        Browser theirs = new Browser();
        theirs.signIn(OTHER_KEY);
        HttpResponse<String> page = theirs.get("/console/events/" + event);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(theirs.get("/console/events").body()).doesNotContain(event);
    }

    @Test
    void the_live_check_of_a_connection_runs_for_a_reviewer_and_not_for_an_apps_key() {
        Browser reviewer = new Browser();
        reviewer.signIn(TestGateway.REVIEWER_KEY);
        assertThat(reviewer.get("/console/dashboard").body())
                .contains("href=\"/console/connections/" + TestGateway.TARGET + "/check\"");
        HttpResponse<String> page = reviewer.get("/console/connections/" + TestGateway.TARGET + "/check");
        assertThat(page.statusCode()).isEqualTo(200);
        // The simulator's live CapabilityStatement, read now: the metadata item passes and names its FHIR version.
        assertThat(page.body()).contains("<tr data-item=\"metadata\"><td>metadata</td><td><span class=\"badge"
                + " verdict-PASS\">PASS</span>").contains("4.0.1");
        assertThat(reviewer.get("/console/connections/nope/check").statusCode()).isEqualTo(404);

        Browser app = new Browser();
        app.signIn(TestGateway.APP_KEY);
        assertThat(app.get("/console/connections/" + TestGateway.TARGET + "/check").statusCode()).isEqualTo(403);
    }

    @Test
    void release_controls_change_only_with_an_administrators_key() {
        Browser operator = new Browser();
        String token = operator.signIn(TestGateway.REVIEWER_KEY); // a reviewer's key: no admin role
        operator.post("/console/release", Map.of("csrf", token, "target", TestGateway.TARGET, "eventType", "note",
                "mode", "shadow"));
        assertThat(operator.get("/console/release").body()).contains("administrator");
        assertThat(env.gateway().getWithKey("/v1/release-controls").body().get("controls").toString())
                .doesNotContain("\"shadow\"");

        Browser admin = new Browser();
        String adminToken = admin.signIn(TestGateway.ADMIN_KEY);
        assertThat(admin.post("/console/release", Map.of("csrf", adminToken, "target", TestGateway.TARGET,
                "eventType", "note", "mode", "shadow")).statusCode()).isEqualTo(303);
        assertThat(admin.get("/console/release").body()).contains("note: live -&gt; shadow");
        assertThat(env.gateway().getWithKey("/v1/release-controls").body().get("controls").toString())
                .contains("\"eventType\":\"note\"").contains("\"mode\":\"shadow\"");
        admin.post("/console/release", Map.of("csrf", adminToken, "target", TestGateway.TARGET, "eventType", "note",
                "mode", "live"));
    }

    @Test
    void what_a_page_echoes_is_escaped() {
        Browser b = new Browser();
        b.signIn(TestGateway.KEY);
        String page = b.get("/console/events?target=" + enc("<script>alert(1)</script>")).body();
        assertThat(page).doesNotContain("<script").contains("value=\"&lt;script>alert(1)&lt;/script>\"");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as(html).isTrue();
        return m.group(1);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + env.gateway().gateway().port() + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
