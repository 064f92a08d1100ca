package dev.chartbridge.core.adapter;

/** The one taxonomy every vendor answer is normalized into; the vendor's own code and message travel with it. */
public enum ErrorClass {
    AUTH, FORBIDDEN, INVALID, CONFLICT, DUPLICATE, RATE_LIMITED, TRANSIENT, UNSUPPORTED, NOT_FOUND, UNKNOWN
}
