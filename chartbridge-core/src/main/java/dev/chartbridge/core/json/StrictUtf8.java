package dev.chartbridge.core.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes request bytes as strict UTF-8. The JDK's decoder, set to report, refuses what RFC 3629 forbids:
 * overlong forms ({@code C0 AF} for {@code /}), encoded surrogates, code points past U+10FFFF, truncated and stray
 * continuation bytes. A lenient decoder would turn such bytes into other characters, which the gateway would
 * store, hash and write to a chart. Stateless and thread-safe (a decoder per call).
 */
final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** The text, or null with an error on the body naming the first invalid byte's offset. */
    static String decode(byte[] bytes, List<FieldError> errors) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer text = decoder.decode(in);
            // A byte order mark is not part of JSON text (RFC 8259 section 8.1); a parser may ignore it.
            return text.length() > 0 && text.charAt(0) == '\uFEFF' ? text.subSequence(1, text.length()).toString()
                    : text.toString();
        } catch (MalformedInputException e) {
            errors.add(new FieldError("", "the body is not valid UTF-8: invalid byte sequence at byte offset "
                    + in.position()));
            return null;
        } catch (CharacterCodingException e) {
            errors.add(new FieldError("", "the body is not valid UTF-8"));
            return null;
        }
    }

    /**
     * What strict bytes cannot rule out: a JSON escape may still spell a lone surrogate ({@code \\ud800}), which no
     * UTF-8 can carry, or U+0000, which PostgreSQL's {@code jsonb} refuses. Each is named by its field's pointer
     * (a member name by its object's).
     */
    static void checkEscapes(com.fasterxml.jackson.databind.JsonNode node, String pointer, List<FieldError> errors) {
        if (node.isTextual()) {
            check(node.textValue(), pointer, errors);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkEscapes(node.get(i), pointer + "/" + i, errors);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                check(e.getKey(), pointer, errors);
                checkEscapes(e.getValue(), child, errors);
            });
        }
    }

    private static void check(String text, String pointer, List<FieldError> errors) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                errors.add(new FieldError(pointer, "must not contain the character U+0000"));
                return;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                errors.add(new FieldError(pointer, "holds an unpaired surrogate escape (\\u"
                        + Integer.toHexString(c) + "), which is not a character"));
                return;
            }
        }
    }
}
