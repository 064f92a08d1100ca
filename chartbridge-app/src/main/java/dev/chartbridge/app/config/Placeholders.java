package dev.chartbridge.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.chartbridge.core.ChartBridgeException;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in the string values of a parsed configuration with the
 * environment's values, as a shell would; {@code $${} stands for a literal {@code ${}. Only values are expanded,
 * after parsing, so a variable cannot inject YAML and a placeholder in a comment is left alone. A variable that is
 * unset (or empty, for {@code :-}) without a default stops the start naming the variable and the key.
 */
final class Placeholders {
    private static final Pattern REFERENCE = Pattern.compile("\\$(\\$)?\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private Placeholders() {
    }

    /** Expands every string value under {@code node} in place. */
    static void expand(JsonNode node, Function<String, String> env, String path) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(expand(field.getValue().asText(), env, at)));
                } else {
                    expand(field.getValue(), env, at);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String at = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(expand(array.get(i).asText(), env, at)));
                } else {
                    expand(array.get(i), env, at);
                }
            }
        }
    }

    /** One value with its references replaced. */
    static String expand(String value, Function<String, String> env, String key) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) != null) {
                replacement = m.group().substring(1);
            } else {
                String set = env.apply(m.group(2));
                if (m.group(3) != null) {
                    replacement = set == null || set.isEmpty() ? m.group(4) : set;
                } else if (set == null) {
                    throw new ChartBridgeException("configuration: " + key + " refers to ${" + m.group(2)
                            + "}, which is not set (set the environment variable, or write ${" + m.group(2)
                            + ":-default})");
                } else {
                    replacement = set;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
