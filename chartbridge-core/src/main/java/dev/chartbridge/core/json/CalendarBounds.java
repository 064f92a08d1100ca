package dev.chartbridge.core.json;

/**
 * The calendar bounds every date and instant the gateway takes must fall in: years 0001 to 9999, as FHIR's
 * {@code date} and {@code dateTime} allow (their grammar has no year 0000 and four-digit years only). A value
 * outside would be stored, then refused or misread by the EHR. Stateless.
 */
public final class CalendarBounds {
    /** The error text for a value outside the bounds. */
    public static final String BOUNDS = "must be in the years 0001 to 9999";

    private CalendarBounds() {
    }

    /** Whether {@code year} (proleptic ISO, 0 meaning 1 BC) is within the bounds. */
    public static boolean holds(int year) {
        return year >= 1 && year <= 9999;
    }
}
