package dev.chartbridge.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway's JSON settings in one place: numbers kept exact (BigDecimal), duplicate keys refused, nesting and
 * string sizes bounded, and a canonical form (object keys sorted, no white space) for hashing. Thread-safe.
 */
public final class Json {
    static final int MAX_DEPTH = 32;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH).maxStringLength(2_000_000).maxNumberLength(40).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new JavaTimeModule())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private Json() {
    }

    /**
     * Parses a request body as JSON. The bytes must be strict UTF-8 (RFC 8259 section 8.1): an overlong form such
     * as {@code C0 AF}, a surrogate or a truncated sequence is refused, never decoded to some other character.
     * Every problem becomes a {@link FieldError} on the body (pointer {@code ""}), worded without the parser's
     * internals; returns null then.
     */
    public static JsonNode parse(byte[] body, List<FieldError> errors) {
        String text = StrictUtf8.decode(body, errors);
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                errors.add(new FieldError("", "the body is empty: send a JSON object"));
                return null;
            }
            int before = errors.size();
            StrictUtf8.checkEscapes(node, "", errors);
            return errors.size() == before ? node : null;
        } catch (StreamConstraintsException e) {
            errors.add(new FieldError("", "the body is not valid JSON here: it exceeds a limit (nesting depth "
                    + MAX_DEPTH + ", 2,000,000 characters per string, 40 digits per number)"));
            return null;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            errors.add(new FieldError("", "the body is not valid JSON" + where + ": " + reason(e)));
            return null;
        }
    }

    /** What is wrong, in our words: the parser's own messages name its classes and settings. */
    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        java.util.regex.Matcher duplicate = java.util.regex.Pattern.compile("Duplicate field '([^']{0,100})")
                .matcher(message);
        if (duplicate.find()) {
            return "the member \"" + duplicate.group(1) + "\" appears twice";
        }
        if (message.startsWith("Unexpected end-of-input")) {
            return "it ends before the value is complete";
        }
        if (message.startsWith("Trailing token")) {
            return "something follows the value";
        }
        if (message.startsWith("Illegal unquoted character")) {
            return "a control character must be escaped in a string";
        }
        if (message.startsWith("Unrecognized token") || message.startsWith("Unexpected character")) {
            return "unexpected character";
        }
        return "malformed";
    }

    /** The canonical text of a JSON tree: object keys sorted at every level, no insignificant white space. */
    public static String canonical(JsonNode node) {
        return CanonicalJson.of(node);
    }

    /** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
