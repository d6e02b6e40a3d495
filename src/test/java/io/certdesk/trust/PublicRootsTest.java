package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import io.certdesk.support.TestPki;
import org.junit.jupiter.api.Test;

/** Approvers are warned when a partner chain ends in, or hangs under, a root of the JDK's public trust store. */
class PublicRootsTest {

    private static final Instant NOW = Instant.now();
    private static final PublicRoots JDK = PublicRoots.ofJdk();

    private static X509Certificate aRealCacertsRoot() throws Exception {
        KeyStore cacerts = KeyStore.getInstance(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts").toFile(),
                "changeit".toCharArray());
        for (String alias : Collections.list(cacerts.aliases())) {
            if (cacerts.getCertificate(alias) instanceof X509Certificate root && ChainCheck.selfSigned(root)) {
                return root;
            }
        }
        throw new AssertionError("the JDK's cacerts holds no root");
    }

    @Test
    void aChainEndingInARootOfTheJdkTrustStoreIsFlaggedAsAPublicCaWhoseCustomersAreAnyone() throws Exception {
        X509Certificate publicRoot = aRealCacertsRoot();
        TestPki.Issued privateIntermediate = TestPki.intermediate("CN=Partner Issuing CA,O=Partner",
                TestPki.root("CN=Partner Root,O=Partner", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100))),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)));

        List<String> warnings = JDK.warnings(List.of(privateIntermediate.certificate(), publicRoot));

        assertThat(JDK.size()).isGreaterThan(50);
        assertThat(warnings).singleElement().asString().startsWith("PUBLIC CA: \"" + ChainCheck.name(publicRoot) + "\"")
                .contains("is a root of the JDK's public trust store").contains("its customers are anyone");
    }

    @Test
    void aCaIssuedByAPublicRootIsFlaggedWithTheRootNamed() {
        TestPki.Issued root = TestPki.root("CN=Stand-in Public Root,O=Web PKI", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)));
        TestPki.Issued issuing = TestPki.intermediate("CN=Sold To Anyone CA,O=Web PKI", root, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100)));

        assertThat(new PublicRoots(List.of(root.certificate())).warnings(List.of(issuing.certificate()))).singleElement().asString()
                .contains("\"" + ChainCheck.name(issuing.certificate()) + "\" is issued by \"" + ChainCheck.name(root.certificate()) + "\"");
    }

    @Test
    void aPrivatePartnerPkiAndALookAlikeOfAPublicRootWithAnotherKeyAreNotFlagged() throws Exception {
        X509Certificate publicRoot = aRealCacertsRoot();
        TestPki.Issued lookAlike = TestPki.root(publicRoot.getSubjectX500Principal().getName(), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100)));
        TestPki.Issued privateRoot = TestPki.root("CN=Partner Root,O=Partner", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100)));

        assertThat(JDK.warnings(List.of(lookAlike.certificate(), privateRoot.certificate()))).isEmpty();
    }
}
