package io.certdesk.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The authority stands apart: certificate building, signing (software or PKCS#11), CRL and OCSP building and the CA
 * generations use the JDK, BouncyCastle and logging only, never the workflow engine, mail, the web layer, Spring
 * or certdesk's other capabilities, so that a signer can be reasoned about (and tested) on its own.
 */
class AuthorityStandsApartTest {

    static final JavaClasses CERTDESK = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.certdesk");

    @Test
    void authorityDependsOnTheJdkBouncyCastleAndLoggingOnly() {
        classes().that().resideInAPackage("io.certdesk.authority..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.certdesk.authority..", "java..", "javax..",
                        "org.bouncycastle..", "org.slf4j..", "sun.security.pkcs11..")
                .because("crypto stays apart from workflow, mail, web and configuration")
                .check(CERTDESK);
    }

    @Test
    void noCapabilityButIssuanceAndTheWorkflowSignsClientCertificates() {
        noClasses().that().resideOutsideOfPackages("io.certdesk.authority..", "io.certdesk.issuance..")
                .should().dependOnClassesThat().haveSimpleName("ClientCertificateIssuer")
                .because("client certificates are issued only by the issuance use case, with its bookkeeping")
                .check(CERTDESK);
    }
}
