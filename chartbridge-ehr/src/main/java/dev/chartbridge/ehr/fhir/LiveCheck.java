package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.CheckReport.Item;
import dev.chartbridge.core.adapter.CheckReport;
import dev.chartbridge.core.adapter.ConnectionCheck;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.auth.CachingTokenSource;
import dev.chartbridge.ehr.auth.GrantedScopes;
import dev.chartbridge.ehr.auth.TokenCheck;
import dev.chartbridge.ehr.profile.VendorProfile;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The live check of a FHIR R4 connection ({@link dev.chartbridge.core.adapter.EhrAdapter#inspect()}), item by item:
 * {@code metadata} (the server answers an R4 CapabilityStatement; a failure here ends the check at once: a wrong
 * {@code baseUrl} is not worth more calls), {@code writes} (every write the vendor profile relies on for the
 * connection's event types is declared by the statement: one the server no longer declares is a FAIL naming it),
 * for SMART backends {@code smart-configuration} (its {@code token_endpoint} is the configured {@code tokenUrl}) and
 * {@code token} (a token, and the scopes granted against those asked), and {@code test-read} when the connection
 * names a test patient (setting {@code testPatient}: one read of {@code Patient/<id>}). Never writes. Stateless.
 */
final class LiveCheck {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** A SMART backend's credential: where it gets tokens, from what, asking for what. */
    record Smart(String baseUrl, String tokenUrl, CachingTokenSource tokens, List<String> scopesAsked) {
    }

    private LiveCheck() {
    }

    /**
     * @param smart       null for a server reached without a token
     * @param testPatient null for none: no read is made
     */
    static CheckReport inspect(FhirServer server, VendorProfile profile, Set<String> eventTypes, Smart smart,
                               String testPatient) {
        CheckReport.Builder report = new CheckReport.Builder();
        MetadataCheck.Fetched metadata = MetadataCheck.fetch(server);
        if (metadata.statement() == null) {
            return report.add(Item.fail("metadata", metadata.check().detail())).build();
        }
        report.add(Item.pass("metadata", metadata.check().detail()));
        report.add(writes(profile, eventTypes, metadata.statement()));
        if (smart != null) {
            report.add(smartConfiguration(smart));
            ConnectionCheck token = TokenCheck.of(smart.tokens(), "token issued");
            report.add(token.status() == ConnectionCheck.Status.UP ? scopes(smart)
                    : Item.fail("token", token.detail()));
        }
        if (testPatient != null && !testPatient.isBlank()) {
            report.add(testRead(server, testPatient));
        }
        return report.build();
    }

    /** The profile's FHIR writes for the enabled event types against what the statement declares. */
    static Item writes(VendorProfile profile, Set<String> eventTypes, CapabilityStatement statement) {
        Set<String> declared = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        List<String> contracted = new ArrayList<>();
        for (String type : eventTypes.stream().sorted().toList()) {
            VendorProfile.EventSupport s = profile.support(type);
            if (!s.supported() || s.call() == null || s.api() == null || !s.api().startsWith("FHIR")) {
                continue;
            }
            List<String> calls = new ArrayList<>(List.of(s.call()));
            if (s.update() != null && s.update().supported()) {
                calls.add(s.update().call());
            }
            for (String call : calls) {
                if (declares(statement, call)) {
                    declared.add(call);
                } else if ("FHIR-contracted".equals(s.api())) {
                    // A contracted write is enabled per client, not published: its absence is expected.
                    contracted.add(call);
                } else {
                    missing.add(call + " (" + type + ")");
                }
            }
        }
        if (profile.provenance().sent() && profile.provenance().call() != null
                && !declares(statement, profile.provenance().call())) {
            missing.add(profile.provenance().call() + " (provenance)");
        }
        String detail = "declared: " + (declared.isEmpty() ? "none" : String.join(", ", declared))
                + (contracted.isEmpty() ? "" : "; contracted, not published: " + String.join(", ", contracted));
        return missing.isEmpty() ? Item.pass("writes", detail)
                : Item.fail("writes", "the server no longer declares " + String.join(", ", missing)
                + " that the " + profile.vendor() + " profile writes by; " + detail);
    }

    /** Whether {@code call} ({@code Type.interaction}, e.g. {@code Observation.create}) is declared. */
    static boolean declares(CapabilityStatement statement, String call) {
        int dot = call.indexOf('.');
        String type = call.substring(0, dot);
        String interaction = call.substring(dot + 1);
        return statement.getRest().stream()
                .filter(r -> r.getMode() == null
                        || r.getMode() == CapabilityStatement.RestfulCapabilityMode.SERVER)
                .flatMap(r -> r.getResource().stream())
                .filter(res -> type.equals(res.getType()))
                .flatMap(res -> res.getInteraction().stream())
                .anyMatch(i -> i.getCode() != null && interaction.equals(i.getCode().toCode()));
    }

    // evidence: fhir.smart-configuration, epic.smart-configuration, ecw.smart-configuration
    private static Item smartConfiguration(Smart smart) {
        String url = smart.baseUrl().replaceAll("/+$", "") + "/.well-known/smart-configuration";
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Item.warn("smart-configuration", "no answer from .well-known/smart-configuration");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Item.warn("smart-configuration", "interrupted");
        }
        if (answer.statusCode() != 200) {
            return Item.warn("smart-configuration", ".well-known/smart-configuration answered HTTP "
                    + answer.statusCode());
        }
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(answer.body());
        } catch (IOException e) {
            return Item.warn("smart-configuration", ".well-known/smart-configuration is not JSON");
        }
        String endpoint = config.path("token_endpoint").asText(null);
        if (endpoint == null) {
            return Item.warn("smart-configuration", "names no token_endpoint");
        }
        if (!endpoint.equals(smart.tokenUrl())) {
            return Item.warn("smart-configuration", "token_endpoint " + endpoint + " is not the configured tokenUrl "
                    + smart.tokenUrl());
        }
        return Item.pass("smart-configuration", "token_endpoint is the configured tokenUrl");
    }

    /** The scopes granted against those asked; a token endpoint that names none is taken at its word (RFC 6749 5.1). */
    private static Item scopes(Smart smart) {
        String granted = smart.tokens().grantedScope();
        if (granted == null) {
            return Item.pass("token", "token issued; the answer names no scope, so those asked were granted"
                    + " (RFC 6749 section 5.1): " + String.join(" ", smart.scopesAsked()));
        }
        List<String> missing = GrantedScopes.notCovered(smart.scopesAsked(), granted);
        if (!missing.isEmpty()) {
            return Item.fail("token", "token issued without scopes asked for: " + String.join(" ", missing)
                    + " (granted: " + granted + ")");
        }
        return Item.pass("token", "token issued; the scopes granted cover those asked (granted: " + granted + ")");
    }

    // evidence: fhir.read, epic.read.endpoints, ecw.read.endpoints
    private static Item testRead(FhirServer server, String patientId) {
        try {
            server.client().read().resource(Patient.class).withId(patientId).execute();
            return Item.pass("test-read", "read the configured test patient");
        } catch (BaseServerResponseException e) {
            return Item.fail("test-read", "reading the configured test patient answered HTTP " + e.getStatusCode());
        } catch (RuntimeException e) {
            return Item.fail("test-read", "reading the configured test patient failed ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
