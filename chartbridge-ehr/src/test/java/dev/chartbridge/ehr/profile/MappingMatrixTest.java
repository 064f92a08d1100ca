package dev.chartbridge.ehr.profile;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MappingMatrixTest {
    private static final Path COMMITTED = Path.of("..", "docs", "mapping-matrix.md");

    @Test
    void the_committed_mapping_matrix_is_what_the_profiles_generate() throws Exception {
        String generated = MappingMatrix.markdown(VendorProfiles.all());
        if (Boolean.getBoolean("chartbridge.writeMatrix")) {
            Files.writeString(COMMITTED, generated);
        }
        assertThat(Files.readString(COMMITTED))
                .as("docs/mapping-matrix.md is stale: regenerate with mvn -pl chartbridge-ehr test"
                        + " -Dtest=MappingMatrixTest -Dchartbridge.writeMatrix=true")
                .isEqualTo(generated);
    }
}
