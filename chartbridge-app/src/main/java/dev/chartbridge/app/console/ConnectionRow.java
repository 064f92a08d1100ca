package dev.chartbridge.app.console;

import dev.chartbridge.core.search.ConnectionActivity;

/**
 * One EHR connection on the dashboard: its last connection check and its figures from the database. Public only
 * because the compiled templates read it.
 *
 * @param health    {@code up}, {@code down}, {@code unchecked} or {@code pending} (not checked yet)
 * @param checkedAt when the last check ran, or empty
 */
public record ConnectionRow(String name, String vendor, String health, String healthDetail, String checkedAt,
                            ConnectionActivity.Figures figures) {
}
