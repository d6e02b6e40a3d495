package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;

import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.teletrust.TeleTrusTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.agreement.DHStandardGroups;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CsrFactsTest {

    @Test
    void aCsrFoundValidOnceStaysValidAndTheSameRequestWithAnotherSignatureIsStillRefused() throws Exception {
        PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=Acme BV,CN=acme-api-client", TestCsrs.p384());
        assertThat(CsrFacts.proofOfPossession(csr)).isEqualTo(CsrFacts.ProofOfPossession.PROVEN);
        // as EST does it: proof of possession first, then the process's validation reads the same CSR again
        assertThat(CsrFacts.of(csr).signatureValid()).isTrue();

        // the same subject, key and attributes, with the signature's last byte changed
        CertificationRequest structure = csr.toASN1Structure();
        byte[] signature = structure.getSignature().getBytes();
        signature[signature.length - 1] ^= 1;
        PKCS10CertificationRequest forged = new PKCS10CertificationRequest(new CertificationRequest(
                structure.getCertificationRequestInfo(), AlgorithmIdentifier.getInstance(structure.getSignatureAlgorithm()),
                new DERBitString(signature)));
        assertThat(CsrFacts.proofOfPossession(forged)).isEqualTo(CsrFacts.ProofOfPossession.FAILED);
        assertThat(CsrFacts.of(forged).signatureValid()).isFalse();
    }

    @Test
    void aDsaKeyWithADomainOfThousandsOfBitsIsNotCheckedAndCostsNoTime() {
        // checking it would compute y^q mod p on 30,000-bit numbers: about 18 s of CPU for one mail or EST request
        PKCS10CertificationRequest csr = TestCsrs.csrWithDsaDomainBits("C=NL,O=Acme BV,CN=acme-api-client", 30_000);
        CsrFacts facts = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CsrFacts.of(csr));
        assertThat(facts.signatureValid()).isFalse();
        assertThat(facts.signatureCheckable()).isFalse();
        assertThat(CsrFacts.proofOfPossession(csr)).isEqualTo(CsrFacts.ProofOfPossession.NOT_CHECKED);
    }

    @Test
    void onlyKeysWhoseCheckCostsWhatARealKeysCostsAreChecked() throws Exception {
        assertThat(CsrFacts.of(TestCsrs.csrWithExplicitCurve("C=NL,O=Acme BV,CN=acme", TestCsrs.ec("secp256r1"))).signatureCheckable())
                .as("an EC key with its curve written out by the sender").isFalse();
        assertThat(CsrFacts.proofOfPossession(TestCsrs.csr("C=NL,O=Acme BV,CN=acme", TestCsrs.rsaWithExponent(TestCsrs.rsa(2048), (1L << 33) + 1))))
                .as("an RSA key with an exponent beyond 2^32").isEqualTo(CsrFacts.ProofOfPossession.NOT_CHECKED);
        assertThat(CsrFacts.proofOfPossession(TestCsrs.csrWithRsaModulusBits("C=NL,O=Acme BV,CN=acme", 16_384)))
                .as("an RSA key beyond 8192 bits").isEqualTo(CsrFacts.ProofOfPossession.NOT_CHECKED);

        // the keys a client's tools make are checked, also those the policy refuses (the refusal names the key alone)
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(2048);
        for (KeyPair keys : List.of(dsa.generateKeyPair(), TestCsrs.ec("secp256r1"), TestCsrs.ec("secp521r1"), TestCsrs.rsa(2048))) {
            String algorithm = keys.getPrivate().getAlgorithm();
            PKCS10CertificationRequest csr = TestCsrs.csr("C=NL,O=Acme BV,CN=acme", keys,
                    algorithm.equals("DSA") ? "SHA256withDSA" : algorithm.startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA");
            assertThat(CsrFacts.of(csr).signatureValid()).as(CsrFacts.of(csr).keyDescription()).isTrue();
        }
    }

    @Test
    void anRsaKeyWithTheExponentOneProvesNothingThoughItsSignatureAddsUp() {
        // with e = 1 anyone writes a "signature" for anyone's modulus: the padded hash of the request
        KeyPair victim = TestCsrs.rsa(2048);
        PKCS10CertificationRequest forged = TestCsrs.csrForgedWithExponentOne("C=NL,O=Acme BV,CN=acme",
                ((java.security.interfaces.RSAPublicKey) victim.getPublic()).getModulus());
        assertThat(CsrFacts.proofOfPossession(forged)).isEqualTo(CsrFacts.ProofOfPossession.NOT_CHECKED);
        assertThat(CsrFacts.of(forged).signatureValid()).isFalse();
        // and an exponent of 3, which only the key's holder signs with, is still checked
        assertThat(CsrFacts.proofOfPossession(TestCsrs.csr("C=NL,O=Acme BV,CN=acme", TestCsrs.rsaWithExponent(TestCsrs.rsa(2048), 3))))
                .isEqualTo(CsrFacts.ProofOfPossession.PROVEN);
    }

    @Test
    void aPssSaltOfGigabytesIsNotAllocatedToCheckTheSignature() {
        // the verifier allocates the salt's length before it reads the signature: 2^31 bytes ran the heap out
        PKCS10CertificationRequest csr = TestCsrs.csrWithPssSalt("C=NL,O=Acme BV,CN=acme", TestCsrs.rsa2048(), Integer.MAX_VALUE - 1000);
        assertThat(CsrFacts.proofOfPossession(csr)).isEqualTo(CsrFacts.ProofOfPossession.FAILED);
        assertThat(CsrFacts.proofOfPossession(TestCsrs.csr("C=NL,O=Acme BV,CN=acme", TestCsrs.rsa2048(), "SHA256withRSAandMGF1")))
                .as("a real RSASSA-PSS signature").isEqualTo(CsrFacts.ProofOfPossession.PROVEN);
    }

    @Test
    void anRsaModulusThatIsPrimeCostsNoMoreThanARealOne() throws Exception {
        // a prime "modulus" of 8192 bits (RFC 3526's largest group): reading it as a key ran primality tests, half a
        // second of CPU for every CSR a sender mails
        BigInteger prime = DHStandardGroups.rfc3526_8192.getP();
        SubjectPublicKeyInfo key = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                DERNull.INSTANCE), new RSAPublicKey(prime, BigInteger.valueOf(65537)));
        AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        // signature algorithms only BouncyCastle offers read the key in BouncyCastle, whatever provider comes first
        List<AlgorithmIdentifier> signatures = List.of(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE),
                new AlgorithmIdentifier(TeleTrusTObjectIdentifiers.rsaSignatureWithripemd160, DERNull.INSTANCE),
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, new RSASSAPSSparams(sha256,
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, sha256), new ASN1Integer(32), new ASN1Integer(1))));
        long started = System.nanoTime();
        for (AlgorithmIdentifier signature : signatures) {
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(new CertificationRequest(new CertificationRequestInfo(
                    new X500Name("C=NL,O=Acme BV,CN=acme"), key, new DERSet()), signature, new DERBitString(new byte[1024])));
            for (int i = 0; i < 4; i++) {
                assertThat(CsrFacts.proofOfPossession(csr)).isEqualTo(CsrFacts.ProofOfPossession.FAILED);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("twelve CSRs").isLessThan(Duration.ofSeconds(2));
    }
}
