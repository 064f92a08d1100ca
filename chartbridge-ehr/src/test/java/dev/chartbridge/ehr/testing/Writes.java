package dev.chartbridge.ehr.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.ehr.fhir.FhirR4Mapping;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/** Write contexts built from the published example events, pointed at one vendor's seed patient and encounter. */
public final class Writes {
    private static final EventParser PARSER = new EventParser(Clock.offset(Clock.systemUTC(), Duration.ofDays(3650)));

    private final String patientSystem;
    private final String patientValue;
    private final String encounterSystem;
    private final String encounterValue;

    public Writes(String patientSystem, String patientValue, String encounterSystem, String encounterValue) {
        this.patientSystem = patientSystem;
        this.patientValue = patientValue;
        this.encounterSystem = encounterSystem;
        this.encounterValue = encounterValue;
    }

    /** The example event of {@code type} for this vendor's patient and encounter, adjusted by {@code edit}. */
    public ClinicalEvent event(String type, Consumer<ObjectNode> edit) {
        ObjectNode e = Examples.load(type);
        e.putObject("patient").putArray("identifiers").addObject().put("system", patientSystem)
                .put("value", patientValue);
        e.putObject("encounter").putObject("identifier").put("system", encounterSystem).put("value", encounterValue);
        edit.accept(e);
        ParseResult parsed = PARSER.parse(e);
        if (!parsed.isValid()) {
            throw new IllegalArgumentException("example " + type + " does not parse: " + parsed.errors());
        }
        return parsed.event();
    }

    public ClinicalEvent event(String type) {
        return event(type, e -> { });
    }

    /** Part {@code part} of {@code event}, under the fixed operation key {@code key}. */
    public static WriteContext write(ClinicalEvent event, int part, String key) {
        return new WriteContext(UUID.nameUUIDFromBytes(key.getBytes()), key, "acme", "ehr", event, part,
                FhirR4Mapping.resourceType(event), null);
    }

    /** The same write, now knowing where it landed. */
    public static WriteContext at(WriteContext w, RemoteRef ref) {
        return new WriteContext(w.operationId(), w.operationKey(), w.tenantId(), w.target(), w.event(), w.part(),
                w.resourceType(), ref);
    }
}
