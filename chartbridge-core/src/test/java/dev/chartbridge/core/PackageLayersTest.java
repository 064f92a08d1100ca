package dev.chartbridge.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of the core's packages, stated once. No package depends on itself through others; at the bottom,
 * {@code json} (reading, writing and canonicalising JSON, and the errors that name a field) and {@code common}
 * (threads, back-off, random ids, key files) depend on no other package of ChartBridge, and the canonical event
 * ({@code event}: the model, its parser and the states of its writes) only on {@code json}.
 */
class PackageLayersTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.chartbridge.core");

    @Test
    void no_package_of_the_core_depends_on_itself_through_another() {
        slices().matching("dev.chartbridge.core.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void json_and_common_depend_on_no_other_package_of_chartbridge() {
        dependsOnlyOn("dev.chartbridge.core.json..");
        dependsOnlyOn("dev.chartbridge.core.common..", "dev.chartbridge.core");
    }

    @Test
    void the_canonical_event_depends_only_on_json() {
        dependsOnlyOn("dev.chartbridge.core.event..", "dev.chartbridge.core.json..");
    }

    /** The classes of {@code layer} use no class of ChartBridge outside it and {@code below}. */
    private static void dependsOnlyOn(String layer, String... below) {
        String[] allowed = new String[below.length + 1];
        allowed[0] = layer;
        System.arraycopy(below, 0, allowed, 1, below.length);
        noClasses().that().resideInAPackage(layer).should().dependOnClassesThat(
                resideInAPackage("dev.chartbridge..").and(not(resideInAnyPackage(allowed)))).check(CORE);
    }
}
