package io.certdesk.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * certdesk's package map, one way down:
 * <pre>
 *   web  est  intake  directory                        entry points: nothing in certdesk uses them
 *   trust  issuance  rollover  lifecycle  revocation   capabilities and their workflow delegates
 *   notify  request  onboarding  approval
 *   config  inventory  authority                       settings, records and crypto, which every package may use
 * </pre>
 * Entry points use capabilities, capabilities use each other and the bottom row, the bottom row uses no capability,
 * and no two packages use each other, directly or round a circle.
 * <p>
 * These rules are ArchUnit rules rather than Spring Modulith's {@code ApplicationModules.verify()}: ArchUnit is
 * already in the build (for {@link AuthorityStandsApartTest}), and Modulith would treat every top-level package as
 * a module with a public API and an internal part, a split certdesk's packages do not have (their classes are used
 * across packages as they are).
 */
class PackageDependenciesTest {

    static final JavaClasses CERTDESK = AuthorityStandsApartTest.CERTDESK;

    @Test
    void noTwoPackagesUseEachOther() {
        slices().matching("io.certdesk.(*)..").should().beFreeOfCycles()
                .because("dependencies between certdesk's packages go one way, so each can be read from the bottom up")
                .check(CERTDESK);
    }

    @Test
    void authorityImportsNeitherWorkflowNorMailNorWebNorAnyOtherCertdeskPackage() {
        noClasses().that().resideInAPackage("io.certdesk.authority..")
                .should().dependOnClassesThat(resideInAnyPackage("org.camunda..", "jakarta.mail..", "org.eclipse.angus..",
                        "jakarta.servlet..", "org.springframework.web..", "org.springframework.boot.web..")
                        .or(resideInAPackage("io.certdesk..").and(resideOutsideOfPackage("io.certdesk.authority.."))))
                .because("the authority is plain Java and BouncyCastle, at the bottom of certdesk")
                .check(CERTDESK);
    }

    @Test
    void inventoryUsesNoCertdeskPackageButTheAuthority() {
        noClasses().that().resideInAPackage("io.certdesk.inventory..")
                .should().dependOnClassesThat(resideInAPackage("io.certdesk..")
                        .and(resideOutsideOfPackages("io.certdesk.inventory..", "io.certdesk.authority..")))
                .because("organizations and issued certificates are records every capability reads")
                .check(CERTDESK);
    }

    @Test
    void settingsUseNoCertdeskPackageButTheAuthority() {
        noClasses().that().resideInAPackage("io.certdesk.config..")
                .should().dependOnClassesThat(resideInAPackage("io.certdesk..")
                        .and(resideOutsideOfPackages("io.certdesk.config..", "io.certdesk.authority..")))
                .because("every package may read certdesk's settings; what wires a capability sits with that capability")
                .check(CERTDESK);
    }

    @Test
    void entryPointsAreOnTopAndCapabilitiesAboveSettingsRecordsAndCrypto() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Entry points").definedBy("io.certdesk.web..", "io.certdesk.est..", "io.certdesk.intake..",
                        "io.certdesk.directory..")
                .layer("Capabilities").definedBy("io.certdesk.trust..", "io.certdesk.issuance..", "io.certdesk.rollover..",
                        "io.certdesk.lifecycle..", "io.certdesk.revocation..", "io.certdesk.notify..", "io.certdesk.request..",
                        "io.certdesk.onboarding..", "io.certdesk.approval..")
                .layer("Settings, records and crypto").definedBy("io.certdesk.config..", "io.certdesk.inventory..",
                        "io.certdesk.authority..")
                .whereLayer("Entry points").mayNotBeAccessedByAnyLayer()
                .whereLayer("Capabilities").mayOnlyBeAccessedByLayers("Entry points")
                .ensureAllClassesAreContainedInArchitectureIgnoring("io.certdesk")
                .because("nothing below depends on how users and clients reach certdesk; a new package takes its place in this map")
                .check(CERTDESK);
    }
}
