package dev.chartbridge.core.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A cursor on one place of a JSON document that reads a typed value and records a {@link FieldError} (with the
 * place's JSON Pointer) when the value is missing or malformed, so that a parser reports every invalid field in
 * one pass instead of stopping at the first. Readers return null for a missing or invalid value. Not
 * thread-safe; one per parse.
 */
public final class Field {
    static final int DEFAULT_MAX_TEXT = 1024;

    private final JsonNode node;
    private final String pointer;
    private final List<FieldError> errors;

    private Field(JsonNode node, String pointer, List<FieldError> errors) {
        this.node = node;
        this.pointer = pointer;
        this.errors = errors;
    }

    public static Field root(JsonNode node, List<FieldError> errors) {
        return new Field(node, "", errors);
    }

    public Field get(String name) {
        JsonNode child = node != null && node.isObject() ? node.get(name) : null;
        return new Field(child, pointer + "/" + name.replace("~", "~0").replace("/", "~1"), errors);
    }

    public String pointer() {
        return pointer;
    }

    public boolean present() {
        return node != null && !node.isNull();
    }

    public void error(String detail) {
        errors.add(new FieldError(pointer, detail));
    }

    /** Checks that the value is an object (when required or present) and has no members other than those named. */
    public boolean object(boolean required, Collection<String> allowed) {
        if (!present()) {
            if (required) {
                error("is required");
            }
            return false;
        }
        if (!node.isObject()) {
            error("must be an object");
            return false;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                get(name).error("is not a known field here (allowed: " + String.join(", ", allowed) + ")");
            }
        }
        return true;
    }

    public String text(boolean required) {
        return text(required, DEFAULT_MAX_TEXT);
    }

    public String text(boolean required, int maxLength) {
        if (!present()) {
            if (required) {
                error("is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            error("must be a string");
            return null;
        }
        String value = node.textValue();
        if (value.isBlank()) {
            error("must not be blank");
            return null;
        }
        if (value.length() > maxLength) {
            error("must be at most " + maxLength + " characters");
            return null;
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
            error("must not contain control characters");
            return null;
        }
        if (hasUnpairedSurrogate(value)) {
            // JSON can spell a lone surrogate (\ud800); it is not a character, and would be stored altered.
            error("must be valid Unicode (it contains an unpaired surrogate)");
            return null;
        }
        return value;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public String matching(boolean required, Pattern pattern, String expectation) {
        String value = text(required);
        if (value != null && !pattern.matcher(value).matches()) {
            error("must be " + expectation);
            return null;
        }
        return value;
    }

    public String oneOf(boolean required, Set<String> allowed) {
        String value = text(required);
        if (value != null && !allowed.contains(value)) {
            error("must be one of: " + String.join(", ", allowed.stream().sorted().toList()));
            return null;
        }
        return value;
    }

    public BigDecimal number(boolean required) {
        if (!present()) {
            if (required) {
                error("is required");
            }
            return null;
        }
        if (!node.isNumber()) {
            error("must be a number");
            return null;
        }
        BigDecimal value = node.decimalValue();
        if (value.precision() > 18 || value.scale() > 6 || value.scale() < -6) {
            error("must be a number with at most 18 digits and 6 decimals");
            return null;
        }
        return value;
    }

    public BigDecimal positive(boolean required, BigDecimal max) {
        BigDecimal value = number(required);
        if (value != null && (value.signum() <= 0 || value.compareTo(max) > 0)) {
            error("must be greater than 0 and at most " + max.toPlainString());
            return null;
        }
        return value;
    }

    public Integer integer(boolean required, int min, int max) {
        BigDecimal value = number(required);
        if (value == null) {
            return null;
        }
        if (value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(min)) < 0
                || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            error("must be a whole number from " + min + " to " + max);
            return null;
        }
        return value.intValue();
    }

    public Boolean bool(boolean required) {
        if (!present()) {
            if (required) {
                error("is required");
            }
            return null;
        }
        if (!node.isBoolean()) {
            error("must be true or false");
            return null;
        }
        return node.booleanValue();
    }

    /** An RFC 3339 date-time with an offset, e.g. {@code 2026-11-24T09:30:00-05:00}. */
    public Instant instant(boolean required) {
        String value = text(required, 64);
        if (value == null) {
            return null;
        }
        try {
            OffsetDateTime fixed = FixedPatternDateTime.parse(value);
            OffsetDateTime t = fixed != null ? fixed : OffsetDateTime.parse(value);
            if (!CalendarBounds.holds(t.getYear())) {
                error(CalendarBounds.BOUNDS);
                return null;
            }
            return t.toInstant();
        } catch (DateTimeParseException e) {
            error("must be a date-time with an offset, such as 2026-11-24T09:30:00Z");
            return null;
        }
    }

    /** An ISO date, e.g. {@code 2026-11-24}. */
    public LocalDate date(boolean required) {
        String value = text(required, 32);
        if (value == null) {
            return null;
        }
        try {
            LocalDate d = LocalDate.parse(value);
            if (!CalendarBounds.holds(d.getYear())) {
                error(CalendarBounds.BOUNDS);
                return null;
            }
            return d;
        } catch (DateTimeParseException e) {
            error("must be a date such as 2026-11-24");
            return null;
        }
    }

    /** The elements of an array of {@code min..max} items; empty when missing or invalid. */
    public List<Field> array(boolean required, int min, int max) {
        List<Field> items = new ArrayList<>();
        if (!present()) {
            if (required) {
                error("is required");
            }
            return items;
        }
        if (!node.isArray()) {
            error("must be an array");
            return items;
        }
        if (node.size() < min || node.size() > max) {
            error(min == max ? "must have exactly " + min + " items"
                    : "must have from " + min + " to " + max + " items");
            return items;
        }
        for (int i = 0; i < node.size(); i++) {
            items.add(new Field(node.get(i), pointer + "/" + i, errors));
        }
        return items;
    }
}
