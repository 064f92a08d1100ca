package dev.chartbridge.core.formulary;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.MedicationChangePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileFormularyTest {
    @TempDir
    Path dir;

    private static MedicationChangePayload start(String code) {
        return new MedicationChangePayload("start", new Coding(Coding.RXNORM, code, null), BigDecimal.TEN, "mg",
                "oral", "QD", null);
    }

    private Formulary load(String csv) throws IOException {
        Path file = dir.resolve("formulary.csv");
        Files.writeString(file, csv);
        return FileFormulary.load(file);
    }

    @Test
    void listed_codes_decide_and_unlisted_ones_are_allowed_by_default() throws IOException {
        Formulary f = load("# comment\n\n314076,allow\n197361,deny,use the generic\n");
        assertThat(f.decide(start("314076")).allowed()).isTrue();
        assertThat(f.decide(start("197361"))).isEqualTo(FormularyDecision.refuse("RxNorm 197361: use the generic"));
        assertThat(f.decide(start("860975")).allowed()).isTrue();
    }

    @Test
    void a_star_line_decides_for_every_code_not_listed() throws IOException {
        Formulary f = load("314076,allow\n*,deny\n");
        assertThat(f.decide(start("314076")).allowed()).isTrue();
        assertThat(f.decide(start("860975")).reason()).isEqualTo("RxNorm 860975 is not on the tenant's formulary");
    }

    @Test
    void a_malformed_line_is_refused_at_load_naming_the_line() {
        assertThatThrownBy(() -> load("314076,allow\nlisinopril,maybe\n")).isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> FileFormulary.load(dir.resolve("missing.csv")))
                .isInstanceOf(ChartBridgeException.class).hasMessageContaining("could not be read");
    }
}
