package dev.chartbridge.core.search;

import java.util.List;

/**
 * One page of a search, newest first. Immutable.
 *
 * @param next where the next page starts; null when this page is the last
 */
public record SearchPage<T>(List<T> items, SearchCursor next) {
    public SearchPage {
        items = List.copyOf(items);
    }
}
