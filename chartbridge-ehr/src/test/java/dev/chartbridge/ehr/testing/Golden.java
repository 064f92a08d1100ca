package dev.chartbridge.ehr.testing;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden payload files: the exact requests that reached a simulator, rendered as method and path, the headers
 * that matter (content type, accept, prefer, conditional headers, the authorization scheme; never a token) and
 * the body (JSON re-indented, keys in the order sent), compared with the reviewed file
 * {@code src/test/resources/golden/<vendor>/<type>.txt}. To regenerate after a reviewed mapping change, run the
 * test with {@code -Dchartbridge.writeGolden=true}, read the diff against the vendor's docs, and commit it.
 */
public final class Golden {
    private static final List<String> HEADERS = List.of("content-type", "accept", "prefer", "if-match",
            "if-none-exist", "if-none-match", "authorization");

    private Golden() {
    }

    public static String render(List<RecordedRequest> requests) {
        StringBuilder out = new StringBuilder();
        for (RecordedRequest r : requests) {
            if (!out.isEmpty()) {
                out.append("\n---\n\n");
            }
            out.append(r.method()).append(' ').append(r.pathAndQuery()).append('\n');
            for (String h : HEADERS) {
                if (r.header(h) != null) {
                    out.append(h).append(": ").append(r.header(h)).append('\n');
                }
            }
            out.append('\n').append(body(r)).append('\n');
        }
        return out.toString();
    }

    public static void assertMatches(String vendor, String type, List<RecordedRequest> requests) {
        String actual = render(requests);
        Path file = Path.of("src/test/resources/golden", vendor, type + ".txt");
        try {
            if (Boolean.getBoolean("chartbridge.writeGolden")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            assertThat(file).as("golden file %s (regenerate with -Dchartbridge.writeGolden=true)", file).exists();
            assertThat(actual).as("request to %s for %s", vendor, type)
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String body(RecordedRequest r) {
        if (r.body() == null || r.body().length == 0) {
            return "";
        }
        try {
            return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Json.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            return r.bodyText();
        }
    }
}
