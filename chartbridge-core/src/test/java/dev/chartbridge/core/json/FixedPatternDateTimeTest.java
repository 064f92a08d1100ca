package dev.chartbridge.core.json;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixed-pattern reader of date-times (issue #17) reads what {@link OffsetDateTime#parse} reads, to the same
 * value and offset, and leaves everything else to it.
 */
class FixedPatternDateTimeTest {
    @Test
    void the_shape_clients_send_is_read_to_the_same_value_and_offset() {
        for (String s : List.of("2026-11-20T09:30:00Z", "2026-11-20T09:30:00.5Z", "2026-11-20T09:30:00.123456789Z",
                "2026-11-24T09:30:00-05:00", "2024-02-29T23:59:59+14:00", "0001-01-01T00:00:00-18:00",
                "9999-12-31T23:59:59.999+18:00", "2026-06-01T12:00:00-00:00", "0000-01-01T00:00:00Z")) {
            assertThat(FixedPatternDateTime.parse(s)).as(s).isNotNull().isEqualTo(OffsetDateTime.parse(s));
        }
    }

    @Test
    void random_date_times_read_as_java_time_reads_them() {
        Random random = new Random(17);
        for (int i = 0; i < 20_000; i++) {
            String s = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000),
                    1 + random.nextInt(13), 1 + random.nextInt(31), random.nextInt(25), random.nextInt(61),
                    random.nextInt(61), fraction(random), offset(random));
            OffsetDateTime fast = FixedPatternDateTime.parse(s);
            OffsetDateTime slow;
            try {
                slow = OffsetDateTime.parse(s);
            } catch (DateTimeParseException e) {
                slow = null;
            }
            if (fast != null) {
                assertThat(fast).as(s).isEqualTo(slow);
            } else if (slow != null) {
                // java.time also takes a point with no digits after it (":00.Z"): left to it, read by it.
                assertThat(s).as("read only by java.time").containsPattern(":\\d\\d\\.[Z+-]");
            }
        }
    }

    @Test
    void other_shapes_and_invalid_texts_are_left_to_java_time() {
        for (String s : List.of("2026-11-20T09:30Z", "2026-11-20t09:30:00z", "2026-11-20T09:30:00+01:00:30",
                "+12026-11-20T09:30:00Z", "2026-02-30T09:30:00Z", "2026-11-20T24:00:00Z", "2026-11-20T09:30:60Z",
                "2026-11-20T09:30:00.Z", "2026-11-20T09:30:00.1234567890Z", "2026-11-20T09:30:00+19:00",
                "2026-11-20T09:30:00", "2026-11-20 09:30:00Z", "2026-11-20T09:30:00+0100", "２０２６-11-20T09:30:00Z")) {
            assertThat(FixedPatternDateTime.parse(s)).as(s).isNull();
        }
    }

    private static String fraction(Random random) {
        int digits = random.nextInt(11);
        StringBuilder f = new StringBuilder(digits == 0 ? "" : ".");
        for (int k = 0; k < digits - 1; k++) {
            f.append(random.nextInt(10));
        }
        return f.toString();
    }

    private static String offset(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> "Z";
            case 1 -> String.format("+%02d:%02d", random.nextInt(20), random.nextInt(61));
            default -> String.format("-%02d:%02d", random.nextInt(20), random.nextInt(61));
        };
    }
}
