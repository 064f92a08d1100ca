package dev.chartbridge.core.search;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Where one page of a search ended: the last row's time and id, in the stable order (time descending, then id
 * descending) that rows keep while new ones arrive. Written opaque (base64url) so callers pass it back unread;
 * its form may change between versions. Immutable.
 */
public record SearchCursor(Instant at, UUID id) {
    private static final String VERSION = "1";

    public SearchCursor {
        // PostgreSQL keeps microseconds: a cursor finer than that would skip or repeat a row.
        at = at.truncatedTo(ChronoUnit.MICROS);
    }

    /** The opaque form handed to callers. */
    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
        String plain = VERSION + ":" + micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor an {@link #encode()} produced; empty for anything else. */
    public static Optional<SearchCursor> decode(String opaque) {
        if (opaque == null || opaque.length() > 200) {
            return Optional.empty();
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(opaque), StandardCharsets.UTF_8).split(":");
            if (parts.length != 3 || !parts[0].equals(VERSION)) {
                return Optional.empty();
            }
            Instant at = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
            return Optional.of(new SearchCursor(at, UUID.fromString(parts[2])));
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
