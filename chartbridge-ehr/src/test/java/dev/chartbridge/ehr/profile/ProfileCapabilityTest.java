package dev.chartbridge.ehr.profile;

import ca.uhn.fhir.parser.IParser;
import dev.chartbridge.ehr.FhirContexts;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each profile's FHIR claims agree with the vendor's published CapabilityStatement. */
class ProfileCapabilityTest {
    private static final List<String> VENDORS = List.of("epic", "athenahealth", "eclinicalworks", "advancedmd",
            "veradigm");

    private static CapabilityStatement statement(String vendor) throws Exception {
        IParser parser = FhirContexts.r4().newJsonParser();
        try (InputStream in = ProfileCapabilityTest.class
                .getResourceAsStream("/vendor-data/" + vendor + "-r4-capabilitystatement.json")) {
            return parser.parseResource(CapabilityStatement.class, in);
        }
    }

    private static boolean declares(CapabilityStatement cs, String resource, String interaction) {
        return cs.getRest().stream().flatMap(r -> r.getResource().stream())
                .filter(r -> r.getType().equals(resource))
                .flatMap(r -> r.getInteraction().stream())
                .anyMatch(i -> i.getCode().toCode().equals(interaction));
    }

    @Test
    void every_public_fhir_write_in_a_profile_is_declared_by_the_vendor() throws Exception {
        for (String vendor : VENDORS) {
            CapabilityStatement cs = statement(vendor);
            VendorProfiles.of(vendor).events().forEach((type, s) -> {
                if (s.supported() && "FHIR".equals(s.api())) {
                    assertThat(declares(cs, s.resource(), "create"))
                            .as("%s %s: %s.create", vendor, type, s.resource()).isTrue();
                }
            });
        }
    }

    @Test
    void every_fhir_update_in_a_profile_is_declared_by_the_vendor() throws Exception {
        for (String vendor : VENDORS) {
            CapabilityStatement cs = statement(vendor);
            VendorProfile profile = VendorProfiles.of(vendor);
            profile.events().forEach((type, s) -> {
                if (profile.updateRefusal(type) == null) {
                    assertThat(s.update().call()).isEqualTo(s.resource() + ".update");
                    assertThat(declares(cs, s.resource(), "update"))
                            .as("%s %s: %s.update", vendor, type, s.resource()).isTrue();
                }
            });
        }
        assertThat(VendorProfiles.of("epic").updateRefusal("note")).isNull();
        assertThat(VendorProfiles.of("epic").versionsRecords()).isFalse();
        assertThat(VendorProfiles.of("fhir-r4").versionsRecords()).isTrue();
    }

    @Test
    void contracted_writes_are_the_ones_the_public_statement_does_not_declare() throws Exception {
        for (String vendor : VENDORS) {
            CapabilityStatement cs = statement(vendor);
            VendorProfiles.of(vendor).events().forEach((type, s) -> {
                if ("FHIR-contracted".equals(s.api())) {
                    assertThat(declares(cs, s.resource(), "create"))
                            .as("%s %s is marked contracted but the statement declares it", vendor, type).isFalse();
                }
            });
        }
    }

    @Test
    void epic_refuses_exactly_what_its_statement_lacks() throws Exception {
        CapabilityStatement epic = statement("epic");
        assertThat(declares(epic, "MedicationRequest", "create")).isFalse();
        assertThat(declares(epic, "Task", "create")).isFalse();
        assertThat(declares(epic, "Consent", "create")).isFalse();
        VendorProfile profile = VendorProfiles.of("epic");
        assertThat(profile.support("medication-change").supported()).isFalse();
        assertThat(profile.support("follow-up-task").supported()).isFalse();
        assertThat(profile.support("consent").supported()).isFalse();
        assertThat(epic.getRest().get(0).getResource().stream().filter(r -> r.getType().equals("Condition"))
                .findFirst().orElseThrow().getConditionalCreate()).isFalse();
    }

    @Test
    void provenance_is_sent_only_where_the_vendor_declares_a_provenance_create() throws Exception {
        for (String vendor : VENDORS) {
            CapabilityStatement cs = statement(vendor);
            VendorProfile.ProvenanceSupport provenance = VendorProfiles.of(vendor).provenance();
            assertThat(provenance.sent()).as(vendor).isEqualTo(declares(cs, "Provenance", "create")).isFalse();
            assertThat(provenance.reason()).as(vendor).contains("Provenance");
        }
        VendorProfile.ProvenanceSupport generic = VendorProfiles.of("fhir-r4").provenance();
        assertThat(generic.sent()).isTrue();
        assertThat(generic.call()).isEqualTo("Provenance.create");
    }
}
