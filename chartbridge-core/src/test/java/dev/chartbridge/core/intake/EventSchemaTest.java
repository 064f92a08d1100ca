package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The published JSON Schema and the parser are two readings of one contract: they must agree. */
class EventSchemaTest {
    private static final JsonSchema SCHEMA = load();
    private final EventParser parser = new EventParser(Clock.systemUTC());

    private static JsonSchema load() {
        try (InputStream in = EventSchemaTest.class.getResourceAsStream("/schemas/v1/clinical-event.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void every_example_passes_the_schema() {
        for (String type : Examples.TYPES) {
            Set<ValidationMessage> messages = SCHEMA.validate(Examples.load(type));
            assertThat(messages).as(type).isEmpty();
        }
    }

    @Test
    void what_the_schema_refuses_the_parser_refuses_too() {
        List<Consumer<ObjectNode>> breakages = List.of(
                e -> e.put("schemaVersion", "2"),
                e -> e.put("type", "lab-result"),
                e -> e.remove("provenance"),
                e -> e.put("extra", true),
                e -> ((ObjectNode) e.get("author")).put("npi", "12345"),
                e -> ((ObjectNode) e.get("author")).put("role", "wizard"),
                e -> e.putArray("targets"),
                e -> e.putArray("targets").add("Bad Name"),
                e -> ((ObjectNode) e.at("/payload/measurements/0")).put("unit", "mmHg"),
                e -> ((ObjectNode) e.at("/payload/measurements/0")).put("value", 5),
                e -> ((ObjectNode) e.at("/payload/measurements/1")).put("value", -1),
                e -> ((ObjectNode) e.get("provenance")).put("aiAssisted", true),
                e -> ((ObjectNode) e.get("patient")).putArray("identifiers"));
        for (int i = 0; i < breakages.size(); i++) {
            ObjectNode event = Examples.load("vitals");
            breakages.get(i).accept(event);
            assertThat(SCHEMA.validate(event)).as("schema, breakage %d", i).isNotEmpty();
            assertThat(parser.parse(event).isValid()).as("parser, breakage %d", i).isFalse();
        }
        ObjectNode medication = Examples.load("medication-change");
        ((ObjectNode) medication.at("/payload/dose")).put("unit", "milligrams");
        assertThat(SCHEMA.validate(medication)).as("schema, dose unit").isNotEmpty();
        assertThat(parser.parse(medication).isValid()).as("parser, dose unit").isFalse();
    }

    @Test
    void schema_and_parser_agree_on_amendments() {
        String id = "3f2c1a7b-0d3c-4e8a-91f0-b2d7c9e4a3b5";
        ObjectNode task = Examples.load("follow-up-task");
        task.put("amends", id);
        ((ObjectNode) task.get("payload")).put("status", "completed");
        assertThat(SCHEMA.validate(task)).isEmpty();
        assertThat(parser.parse(task).isValid()).isTrue();
        assertThat(parser.parse(task).event().amends()).hasToString(id);

        List<Consumer<ObjectNode>> breakages = List.of(
                e -> e.put("amends", "task-1"),
                e -> e.put("amends", 42),
                e -> ((ObjectNode) e.get("payload")).put("status", "done"));
        for (int i = 0; i < breakages.size(); i++) {
            ObjectNode event = Examples.load("follow-up-task");
            breakages.get(i).accept(event);
            assertThat(SCHEMA.validate(event)).as("schema, amendment breakage %d", i).isNotEmpty();
            assertThat(parser.parse(event).isValid()).as("parser, amendment breakage %d", i).isFalse();
        }
        for (String type : List.of("vitals", "allergy", "consent")) {
            ObjectNode event = Examples.load(type);
            event.put("amends", id);
            assertThat(SCHEMA.validate(event)).as("schema, %s amending", type).isNotEmpty();
            assertThat(parser.parse(event).errors()).as("parser, %s amending", type)
                    .extracting(FieldError::pointer).containsExactly("/amends");
        }
    }
}
