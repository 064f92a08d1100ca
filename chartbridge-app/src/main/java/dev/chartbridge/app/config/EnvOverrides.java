package dev.chartbridge.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.chartbridge.core.ChartBridgeException;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Overrides configuration keys from environment variables named after them: {@code CHARTBRIDGE_} and the key's path
 * in upper case, words and levels joined by {@code _}, list positions as numbers from 0. So {@code http.port} is
 * {@code CHARTBRIDGE_HTTP_PORT}, {@code readBack.intervalMs} is {@code CHARTBRIDGE_READ_BACK_INTERVAL_MS} and
 * {@code tenants[0].connections[1].baseUrl} is {@code CHARTBRIDGE_TENANTS_0_CONNECTIONS_1_BASE_URL}. A list of
 * values takes a comma-separated value ({@code CHARTBRIDGE_TENANTS_0_BREAK_GLASS_ROLES=physician,nurse-practitioner})
 * or one position at a time. An entry of a map ({@code settings}, {@code release}, {@code onConflict}) is matched
 * with the file's key written the same way; a new one is added under its words in lower case joined by {@code -}
 * (an event type: {@code ..._RELEASE_FOLLOW_UP_TASK=shadow}). A list position may be at most the list's length
 * (one past the end adds an element).
 *
 * <p>The names are derived from {@link GatewayConfig}'s records, so a key added there is overridable without a
 * change here. Variables that name no key are left alone (secrets such as {@code CHARTBRIDGE_ACME_KEY} live in the
 * same namespace); one that starts like a section but names no key in it is returned as unmatched, to be warned of.
 */
final class EnvOverrides {
    static final String PREFIX = "CHARTBRIDGE_";

    /** What was applied (configuration paths, never values) and the suspicious variables that matched nothing. */
    record Result(List<String> applied, List<String> unmatched) {
    }

    private EnvOverrides() {
    }

    /** Applies every {@code CHARTBRIDGE_} variable that names a key to {@code root}, in name order. */
    static Result apply(ObjectNode root, Map<String, String> env) {
        List<String> applied = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(PREFIX) || e.getKey().length() == PREFIX.length()) {
                continue;
            }
            List<String> tokens = Arrays.asList(e.getKey().substring(PREFIX.length()).split("_", -1));
            String path = intoRecord(root, GatewayConfig.class, tokens, 0, e.getValue(), "");
            if (path != null) {
                applied.add(path);
            } else if (startsASection(tokens)) {
                unmatched.add(e.getKey());
            }
        }
        return new Result(applied, unmatched);
    }

    /** The variable naming a key path written in the configuration's own words, e.g. {@code http.maxBodyBytes}. */
    static String variableFor(String path) {
        return PREFIX + String.join("_", words(path.replace('[', '.').replace("]", "")));
    }

    private static String intoRecord(ObjectNode node, Class<?> record, List<String> tokens, int at, String value,
                                     String path) {
        RecordComponent[] components = record.getRecordComponents();
        List<RecordComponent> longestFirst = new ArrayList<>(Arrays.asList(components));
        longestFirst.sort(Comparator.comparingInt((RecordComponent c) -> words(c.getName()).size()).reversed());
        for (RecordComponent c : longestFirst) {
            List<String> name = words(c.getName());
            if (startsWith(tokens, at, name)) {
                String key = c.getName();
                String found = into(node.get(key), n -> node.set(key, n), c.getGenericType(), tokens,
                        at + name.size(), value, path.isEmpty() ? key : path + "." + key);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Sets the value at the rest of the name below one slot of type {@code type}; null when it names nothing. */
    private static String into(JsonNode current, Consumer<JsonNode> attach, Type type, List<String> tokens, int at,
                               String value, String path) {
        Class<?> raw = raw(type);
        boolean end = at == tokens.size();
        if (raw.isRecord() && !end) {
            ObjectNode object = current instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
            String found = intoRecord(object, raw, tokens, at, value, path);
            if (found != null && object != current) {
                attach.accept(object);
            }
            return found;
        }
        if (List.class.isAssignableFrom(raw)) {
            return intoList(current, attach, argument(type, 0), tokens, at, value, path);
        }
        if (Map.class.isAssignableFrom(raw)) {
            return end ? null : intoMap(current, attach, argument(type, 1), tokens, at, value, path);
        }
        if (!end) {
            return null;
        }
        attach.accept(TextNode.valueOf(value));
        return path;
    }

    private static String intoList(JsonNode current, Consumer<JsonNode> attach, Type element, List<String> tokens,
                                   int at, String value, String path) {
        ArrayNode array = current instanceof ArrayNode a ? a : JsonNodeFactory.instance.arrayNode();
        if (at == tokens.size()) {
            ArrayNode values = JsonNodeFactory.instance.arrayNode();
            Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).forEach(values::add);
            attach.accept(values);
            return path;
        }
        if (!tokens.get(at).matches("[0-9]{1,4}")) {
            return null;
        }
        int index = Integer.parseInt(tokens.get(at));
        if (index > array.size()) {
            throw new ChartBridgeException("configuration: " + PREFIX + String.join("_", tokens) + " names "
                    + path + "[" + index + "], but " + path + " has " + array.size()
                    + " elements (add them in order, from " + array.size() + ")");
        }
        JsonNode old = index < array.size() ? array.get(index) : null;
        String found = into(old, n -> {
            if (index < array.size()) {
                array.set(index, n);
            } else {
                array.add(n);
            }
        }, element, tokens, at + 1, value, path + "[" + index + "]");
        if (found != null && array != current) {
            attach.accept(array);
        }
        return found;
    }

    private static String intoMap(JsonNode current, Consumer<JsonNode> attach, Type valueType, List<String> tokens,
                                  int at, String value, String path) {
        ObjectNode map = current instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        String best = null;
        for (Iterator<String> keys = map.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (startsWith(tokens, at, words(key)) && (best == null || words(key).size() > words(best).size())) {
                best = key;
            }
        }
        String found = null;
        if (best != null) {
            String key = best;
            found = into(map.get(key), n -> map.set(key, n), valueType, tokens, at + words(key).size(), value,
                    path + "." + key);
        }
        // A new entry: the shortest key whose rest names something in the value (event types: follow-up-task).
        for (int end = at + 1; found == null && end <= tokens.size(); end++) {
            String key = String.join("-", tokens.subList(at, end)).toLowerCase(Locale.ROOT);
            found = into(null, n -> map.set(key, n), valueType, tokens, end, value, path + "." + key);
        }
        if (found != null && map != current) {
            attach.accept(map);
        }
        return found;
    }

    private static boolean startsASection(List<String> tokens) {
        return Arrays.stream(GatewayConfig.class.getRecordComponents())
                .anyMatch(c -> startsWith(tokens, 0, words(c.getName())) && tokens.size() > words(c.getName()).size());
    }

    private static boolean startsWith(List<String> tokens, int at, List<String> words) {
        return !words.isEmpty() && at + words.size() <= tokens.size()
                && tokens.subList(at, at + words.size()).equals(words);
    }

    /** A key's words in upper case: {@code maxBodyBytes} and {@code max-body-bytes} are both MAX, BODY, BYTES. */
    static List<String> words(String key) {
        return Arrays.stream(key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").split("[^A-Za-z0-9]+"))
                .filter(w -> !w.isEmpty()).map(w -> w.toUpperCase(Locale.ROOT)).toList();
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : Object.class;
    }
}
