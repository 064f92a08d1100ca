package dev.chartbridge.ehr.vendortest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.testing.Examples;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The published example events, pointed at one vendor simulator's seed patient and encounter, parsed as intake
 * would, and wrapped as the write contexts the delivery engine hands an adapter.
 */
public final class TestEvents {
    /** A Sunday noon: AdvancedMD off-peak, and after every example's {@code occurredAt}. */
    public static final Instant SIMULATOR_NOW = Instant.parse("2026-11-22T19:00:00Z");
    private static final EventParser PARSER = new EventParser(Clock.fixed(SIMULATOR_NOW, ZoneOffset.UTC));

    private final String mrnSystem;
    private final String encounterSystem;

    public TestEvents(String mrnSystem, String encounterSystem) {
        this.mrnSystem = mrnSystem;
        this.encounterSystem = encounterSystem;
    }

    /** Example {@code type} for the patient with {@code mrn} in {@code encounter} (null: none), adapted. */
    public ClinicalEvent event(String type, String mrn, String encounter, Consumer<ObjectNode> adapt) {
        ObjectNode e = Examples.load(type);
        e.putObject("patient").putArray("identifiers").addObject().put("system", mrnSystem).put("value", mrn);
        if (encounter == null) {
            e.remove("encounter");
        } else {
            e.putObject("encounter").putObject("identifier").put("system", encounterSystem).put("value", encounter);
        }
        adapt.accept(e);
        ParseResult parsed = PARSER.parse(e);
        if (!parsed.isValid()) {
            throw new IllegalArgumentException("example " + type + " is invalid: " + parsed.errors());
        }
        return parsed.event();
    }

    public static WriteContext write(ClinicalEvent event, int part, String kind) {
        return new WriteContext(UUID.randomUUID(), UUID.randomUUID().toString(), "acme", "ehr", event, part, kind,
                null);
    }

    public static WriteContext at(WriteContext write, RemoteRef remote) {
        return new WriteContext(write.operationId(), write.operationKey(), write.tenantId(), write.target(),
                write.event(), write.part(), write.resourceType(), remote);
    }
}
