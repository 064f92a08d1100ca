package dev.chartbridge.core.event;

import java.time.Instant;

/**
 * A clinical note. {@code status} is {@code final} for a signed note (then {@code signedAt} is set) or
 * {@code preliminary} for a draft. The text is plain text.
 */
public record NotePayload(NoteType noteType, String title, String status, String text, Instant signedAt)
        implements Payload {
}
