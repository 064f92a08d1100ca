package dev.chartbridge.bench;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.ehr.fhir.FhirR4Mapping;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delivery baseline: HAPI's generic client doing the creates the gateway's FHIR adapter does (the same
 * rendered Observation, conditional on the same kind of write identifier, {@code Prefer: return=representation}),
 * with the same pool settings, and nothing else: no database, no queue, no audit. The events are spread over the
 * same patients as the gateway's ({@link Bodies}), and each patient's and visit's logical id is looked up by
 * identifier on first use and kept, as the adapter's resolver does; unlike the gateway, writes for one patient are
 * not kept in order. Thread-safe.
 */
final class RawFhirClient {
    private final IGenericClient client;
    private final List<ClinicalEvent> events = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    /** Logical ids by {@code type|system|value}, looked up on first use. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();

    RawFhirClient(String baseUrl, int connections, int count) {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(connections);
        pool.setDefaultMaxPerRoute(connections);
        ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(FhirContexts.r4());
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setHttpClient(HttpClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setSocketTimeout(15_000).build())
                .disableAutomaticRetries().build());
        this.client = factory.newGenericClient(baseUrl);
        EventParser parser = new EventParser(Clock.systemUTC());
        for (int i = 0; i < count; i++) {
            events.add(parser.parse(readTree(Bodies.vitals(20_000_000L + i))).event());
        }
    }

    private String idOf(String type, Identifier identifier) {
        String key = type + "|" + identifier.token();
        String id = ids.get(key);
        if (id == null) {
            Bundle b = client.search().forResource(type).where(new TokenClientParam("identifier").exactly()
                    .systemAndCode(identifier.system(), identifier.value())).returnBundle(Bundle.class).execute();
            id = b.getEntryFirstRep().getResource().getIdElement().getIdPart();
            ids.put(key, id);
        }
        return id;
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Creates the next prepared event's Observation; true when the server answered 201. */
    boolean createNext() {
        int n = next.getAndIncrement();
        ClinicalEvent event = events.get(n % events.size());
        String key = "raw-" + UUID.randomUUID();
        Resource r = FhirR4Mapping.render(new WriteContext(UUID.randomUUID(), key, Node.TENANT, Node.TARGET, event, 0,
                "Observation", null), idOf("Patient", event.primaryPatientIdentifier()),
                idOf("Encounter", event.encounterIdentifier()));
        MethodOutcome outcome = client.create().resource(r).conditional()
                .where(new TokenClientParam("identifier").exactly().systemAndCode(WriteContext.IDENTIFIER_SYSTEM, key))
                .prefer(PreferReturnEnum.REPRESENTATION).execute();
        return Boolean.TRUE.equals(outcome.getCreated());
    }
}
