package dev.chartbridge.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes the canonical text of a JSON tree (object keys sorted at every level, no insignificant white space) in one
 * pass over the tree, without building a sorted copy of it first, and hands back the text of one top-level member
 * as it was written: intake takes the body's text (stored and hashed) and the payload's (in the operation key) from
 * one pass where it made two, with two sorted copies (issue #17). The text is the same, character for character, as
 * before: stored hashes and operation keys keep matching. Stateless.
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    /**
     * @param text   the canonical text of the tree
     * @param member the canonical text of the member asked for, as it stands in {@code text}; null when the tree is
     *               not an object having it
     */
    public record Text(String text, String member) {
    }

    static String of(JsonNode tree) {
        return write(tree, null).text();
    }

    public static Text write(JsonNode tree, String member) {
        StringWriter out = new StringWriter();
        String memberText = null;
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            if (tree.isObject()) {
                g.writeStartObject();
                for (String name : sortedNames(tree)) {
                    g.writeFieldName(name);
                    if (name.equals(member)) {
                        g.flush();
                        int start = out.getBuffer().length();
                        value(g, tree.get(name));
                        g.flush();
                        // The generator writes the name's ':' with the value: it is not the value's.
                        int from = out.getBuffer().charAt(start) == ':' ? start + 1 : start;
                        memberText = out.getBuffer().substring(from);
                    } else {
                        value(g, tree.get(name));
                    }
                }
                g.writeEndObject();
            } else {
                value(g, tree);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
        return new Text(out.toString(), memberText);
    }

    private static void value(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (String name : sortedNames(node)) {
                    g.writeFieldName(name);
                    value(g, node.get(name));
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                    value(g, it.next());
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            // Numbers, binary and POJO nodes as the mapper writes them (its number settings apply).
            default -> Json.MAPPER.writeTree(g, node);
        }
    }

    private static List<String> sortedNames(JsonNode object) {
        List<String> names = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }
}
