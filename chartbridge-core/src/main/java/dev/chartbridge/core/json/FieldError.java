package dev.chartbridge.core.json;

/**
 * One invalid field of a request: a JSON Pointer (RFC 6901) to it, relative to the request body ({@code ""} for
 * the body itself), and what is wrong, in words a developer can act on.
 */
public record FieldError(String pointer, String detail) {
}
