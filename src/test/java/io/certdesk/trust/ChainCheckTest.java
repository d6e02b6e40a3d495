package io.certdesk.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.certdesk.authority.Crypto;
import io.certdesk.support.TestCsrs;
import io.certdesk.support.TestPki;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * What a partner chain mail can make certdesk's chain check spend: the check follows at most the certificates a chain
 * has, and tries no signature with a key no partner CA would have, however many certificates are named like the
 * issuer.
 */
class ChainCheckTest {

    private static final Instant NOW = Instant.now();
    private static final List<String> CURVES = List.of("256", "384");

    @Test
    void aMailWithMoreCertificatesThanAChainHasIsRefusedBeforeAnySignatureIsChecked() {
        TestPki.Issued root = TestPki.root("CN=Crowded Root CA,O=Crowded", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900)));
        TestPki.Issued leaf = TestPki.leaf("CN=crowded-client", root, KeyPurposeId.id_kp_clientAuth);
        List<X509Certificate> mail = new ArrayList<>(List.of(leaf.certificate()));
        for (int i = 0; i < 11; i++) {
            // named like the root, each one more signature to try at every level
            mail.add(TestPki.root("CN=Crowded Root CA,O=Crowded", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(900))).certificate());
        }
        mail.add(root.certificate());

        ChainCheck.Result result = ChainCheck.check(mail, NOW, 2048, CURVES);

        assertThat(result.valid()).isFalse();
        assertThat(result.problems()).singleElement().asString().contains("The mail holds 13 certificates; a chain has at most 11");
        assertThat(ChainCheck.check(List.of(leaf.certificate(), root.certificate()), NOW, 2048, CURVES).valid())
                .as("the chain alone passes").isTrue();
    }

    @Test
    void aCaWhoseRsaExponentIsBeyondTwoToThe32IsNotTriedAndTheSenderLearnsWhy() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(new RSAKeyGenParameterSpec(2048, BigInteger.ONE.shiftLeft(40).add(BigInteger.valueOf(15))));
        KeyPair caKeys = generator.generateKeyPair();
        X509Certificate ca = certificate("CN=Odd Exponent CA", caKeys, "CN=Odd Exponent CA", caKeys, true);
        X509Certificate leaf = certificate("CN=odd-client", TestPki.selfSignedLeaf("CN=x").keys(), "CN=Odd Exponent CA", caKeys, false);

        ChainCheck.Result result = ChainCheck.check(List.of(leaf, ca), NOW, 2048, CURVES);

        assertThat(result.valid()).isFalse();
        assertThat(result.problems()).anySatisfy(problem -> assertThat(problem)
                .contains("has a key certdesk checks no signature with").contains("exponent 65537"));
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca)
            throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), new BigInteger(64, new SecureRandom()),
                Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(300))), new X500Name(subject),
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        if (!ca) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        return new JcaX509CertificateConverter().setProvider(Crypto.provider()).getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(Crypto.provider()).build(issuerKeys.getPrivate())));
    }

    @Test
    void aPartnerKeyWithTheExponentOneSignsNothing() throws Exception {
        // with e = 1 anyone writes a certificate "signed" by that key: its signature is the padded hash itself
        BigInteger modulus = ((java.security.interfaces.RSAPublicKey) TestCsrs.rsa2048().getPublic()).getModulus();
        java.security.PublicKey one = java.security.KeyFactory.getInstance("RSA", Crypto.provider())
                .generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, BigInteger.ONE));
        assertThat(io.certdesk.trust.chain.ChainLink.worthVerifying(one)).isFalse();
        assertThat(io.certdesk.trust.chain.ChainLink.worthVerifying(TestCsrs.rsa2048().getPublic())).isTrue();
    }
}
