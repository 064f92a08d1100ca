package dev.chartbridge.core.settings;

import java.util.List;

/**
 * What one active webhook asks to be told: notice types and operation states, null meaning all. Immutable.
 */
public record WebhookFilter(List<String> noticeTypes, List<String> states) {
    public WebhookFilter {
        noticeTypes = noticeTypes == null ? null : List.copyOf(noticeTypes);
        states = states == null ? null : List.copyOf(states);
    }

    /** Whether a notice of this type about an operation in this state reaches the webhook. */
    public boolean takes(String noticeType, String state) {
        return (noticeTypes == null || noticeTypes.contains(noticeType)) && (states == null || states.contains(state));
    }
}
