package io.certdesk.authority;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;

import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ECPoint;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;

/**
 * The key id is what the inventory finds a certificate's key by: one value for one key however it is written, one of
 * the hashes every look-up brings, and another value for another key.
 */
class PublicKeyHashesTest {

    private static final KeyPair RSA = TestCsrs.rsa(2048);
    private static final KeyPair EC = TestCsrs.ec("secp384r1");

    private static SubjectPublicKeyInfo spki(KeyPair keys) {
        return SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
    }

    @Test
    void anRsaKeyIsKnownByItsModulusWhateverItsExponent() {
        SubjectPublicKeyInfo usual = spki(RSA);
        SubjectPublicKeyInfo oddExponent = spki(TestCsrs.rsaWithExponent(RSA, 65539));
        assertThat(PublicKeyHashes.keyId(oddExponent)).isEqualTo(PublicKeyHashes.keyId(usual));
        assertThat(PublicKeyHashes.ofEveryEncoding(usual)).contains(PublicKeyHashes.keyId(oddExponent));
        assertThat(PublicKeyHashes.ofEveryEncoding(oddExponent)).contains(PublicKeyHashes.keyId(usual));
        assertThat(PublicKeyHashes.keyId(usual)).as("a key in its usual form is its own id")
                .isEqualTo(Fingerprints.sha256Hex(RSA.getPublic().getEncoded()));
    }

    @Test
    void anRsaKeyIsTheSameKeyWithItsParametersAbsentOrItsLengthPadded() throws Exception {
        SubjectPublicKeyInfo usual = spki(RSA);
        SubjectPublicKeyInfo noParameters = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption),
                usual.getPublicKeyData().getBytes());
        SubjectPublicKeyInfo padded = TestCsrs.csrWithPaddedRsaKeyLength("CN=padded", RSA).getSubjectPublicKeyInfo();
        assertThat(PublicKeyHashes.keyId(noParameters)).isEqualTo(PublicKeyHashes.keyId(usual));
        assertThat(PublicKeyHashes.keyId(padded)).isEqualTo(PublicKeyHashes.keyId(usual));
        assertThat(Fingerprints.sha256Hex(padded.getEncoded())).as("other bytes").isNotEqualTo(PublicKeyHashes.keyId(usual));
    }

    @Test
    void anEcKeyIsKnownByItsPointHoweverThePointIsWritten() throws Exception {
        SubjectPublicKeyInfo usual = spki(EC);
        SubjectPublicKeyInfo hybrid = TestCsrs.csrWithHybridPoint("CN=hybrid", EC).getSubjectPublicKeyInfo();
        byte[] compressedPoint = ECNamedCurveTable.getByName("secp384r1").getCurve()
                .decodePoint(usual.getPublicKeyData().getBytes()).getEncoded(true);
        SubjectPublicKeyInfo compressed = new SubjectPublicKeyInfo(usual.getAlgorithm(), compressedPoint);
        assertThat(PublicKeyHashes.keyId(hybrid)).isEqualTo(PublicKeyHashes.keyId(usual))
                .isEqualTo(PublicKeyHashes.keyId(compressed)).isEqualTo(Fingerprints.sha256Hex(EC.getPublic().getEncoded()));
        assertThat(PublicKeyHashes.ofEveryEncoding(compressed)).contains(PublicKeyHashes.keyId(usual));
        assertThat(PublicKeyHashes.ofEveryEncoding(hybrid)).contains(PublicKeyHashes.keyId(usual));
    }

    @Test
    void theCurvesClientsUseAreNamedByTheirOwnOidAndACurveWithTwoOidsByOne() {
        for (String name : new String[] {"secp256r1", "secp384r1", "secp521r1", "secp256k1", "brainpoolP256r1", "brainpoolP384r1",
                "brainpoolP512r1"}) {
            ASN1ObjectIdentifier oid = ECNamedCurveTable.getOID(name);
            assertThat(PublicKeyHashes.namedCurve(oid)).as(name + " keeps its key ids").isEqualTo(oid);
        }
        // BouncyCastle knows one GOST curve by three OIDs: a point on it is one key under any of them
        ASN1ObjectIdentifier cryptoProA = ECNamedCurveTable.getOID("GostR3410-2001-CryptoPro-A");
        ASN1ObjectIdentifier xchA = ECNamedCurveTable.getOID("GostR3410-2001-CryptoPro-XchA");
        assertThat(cryptoProA).isNotEqualTo(xchA);
        assertThat(PublicKeyHashes.namedCurve(cryptoProA)).isEqualTo(PublicKeyHashes.namedCurve(xchA));
        byte[] point = ECNamedCurveTable.getByOID(cryptoProA).getG().multiply(java.math.BigInteger.valueOf(12345)).getEncoded(false);
        SubjectPublicKeyInfo underA = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, cryptoProA), point);
        SubjectPublicKeyInfo underXchA = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, xchA), point);
        assertThat(PublicKeyHashes.keyId(underA)).isEqualTo(PublicKeyHashes.keyId(underXchA));
        assertThat(PublicKeyHashes.ofEveryEncoding(underXchA)).contains(PublicKeyHashes.keyId(underA));
    }

    @Test
    void anotherKeyHasAnotherId() {
        assertThat(PublicKeyHashes.keyId(spki(TestCsrs.rsa(2048)))).isNotEqualTo(PublicKeyHashes.keyId(spki(RSA)));
        assertThat(PublicKeyHashes.keyId(spki(TestCsrs.ec("secp384r1")))).isNotEqualTo(PublicKeyHashes.keyId(spki(EC)));
    }

    @Test
    void curveParametersWithAnOrderOfAMillionBitsAreNotRead() throws Exception {
        // reading them would multiply the base point by the order: seconds for one key in a CSR or in a mailed key
        ASN1Sequence parameters = TestCsrs.explicitCurveWithOrderBits(1_000_000);
        SubjectPublicKeyInfo key = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, parameters),
                ECNamedCurveTable.getByName("P-521").getG().getEncoded(false));
        long started = System.nanoTime();
        assertThat(PublicKeyHashes.namedCurve(parameters)).isNull();
        PublicKeyHashes.ofEveryEncoding(key);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(1));

        // an order no larger than a named curve's, on a named curve's field: still the sender's curve, still not read
        ASN1Sequence small = TestCsrs.explicitCurveWithOrderBits(570);
        started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(PublicKeyHashes.namedCurve(small)).isNull();
        }
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("100 keys").isLessThan(java.time.Duration.ofSeconds(1));

        // a named curve's field, equation and order with its cofactor left out or changed: decoding its base point
        // takes the slow road, so it is not read either
        X9ECParameters k571 = ECNamedCurveTable.getByName("sect571r1");
        ASN1Sequence written = ASN1Sequence.getInstance(new X9ECParameters(k571.getCurve(), new X9ECPoint(k571.getG(), true),
                k571.getN(), k571.getH()).getEncoded(ASN1Encoding.DER));
        assertThat(PublicKeyHashes.namedCurve(written)).isEqualTo(ECNamedCurveTable.getOID("sect571r1"));
        org.bouncycastle.asn1.ASN1EncodableVector withoutCofactor = new org.bouncycastle.asn1.ASN1EncodableVector();
        org.bouncycastle.asn1.ASN1EncodableVector otherCofactor = new org.bouncycastle.asn1.ASN1EncodableVector();
        for (int i = 0; i < 5; i++) {
            withoutCofactor.add(written.getObjectAt(i));
            otherCofactor.add(written.getObjectAt(i));
        }
        otherCofactor.add(new org.bouncycastle.asn1.ASN1Integer(65535));
        assertThat(PublicKeyHashes.namedCurve(new org.bouncycastle.asn1.DERSequence(withoutCofactor))).isNull();
        assertThat(PublicKeyHashes.namedCurve(new org.bouncycastle.asn1.DERSequence(otherCofactor))).isNull();

        // a named curve written out, as openssl ec -param_enc explicit writes it, is still that curve
        X9ECParameters p384 = ECNamedCurveTable.getByName("P-384");
        assertThat(PublicKeyHashes.namedCurve(ASN1Sequence.getInstance(new X9ECParameters(p384.getCurve(), new X9ECPoint(p384.getG(), false),
                p384.getN(), p384.getH(), p384.getSeed()).getEncoded(ASN1Encoding.DER)))).isEqualTo(ECNamedCurveTable.getOID("P-384"));
    }
}
