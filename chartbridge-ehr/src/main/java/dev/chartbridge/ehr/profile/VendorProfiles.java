package dev.chartbridge.ehr.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chartbridge.core.ChartBridgeException;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The vendor profiles shipped with ChartBridge, read once from the classpath. Immutable and thread-safe. */
public final class VendorProfiles {
    /** The vendors in the order documentation lists them. */
    public static final List<String> VENDORS = List.of("fhir-r4", "epic", "athenahealth", "eclinicalworks",
            "advancedmd", "veradigm");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Map<String, VendorProfile> ALL = loadAll();

    private VendorProfiles() {
    }

    public static VendorProfile of(String vendor) {
        VendorProfile p = ALL.get(vendor);
        if (p == null) {
            throw new ChartBridgeException("no profile for vendor '" + vendor + "' (known: " + VENDORS + ")");
        }
        return p;
    }

    public static List<VendorProfile> all() {
        return List.copyOf(ALL.values());
    }

    private static Map<String, VendorProfile> loadAll() {
        Map<String, VendorProfile> profiles = new LinkedHashMap<>();
        for (String vendor : VENDORS) {
            try (InputStream in = VendorProfiles.class.getResourceAsStream("/profiles/" + vendor + ".yaml")) {
                if (in == null) {
                    throw new ChartBridgeException("profile resource missing: profiles/" + vendor + ".yaml");
                }
                profiles.put(vendor, YAML.readValue(in, VendorProfile.class));
            } catch (IOException e) {
                throw new ChartBridgeException("profile " + vendor + " could not be read: " + e.getMessage(), e);
            }
        }
        return profiles;
    }
}
