package io.certdesk.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;

import io.certdesk.authority.Asn1NestingTest;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.support.TestCsrs;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * Which certificates a private key in a mail unlocks: only those whose public key the private key itself
 * determines, never a public key written beside it.
 */
class ExposedKeysTest {

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String hashOf(KeyPair keys) {
        return Fingerprints.sha256Hex(keys.getPublic().getEncoded());
    }

    @Test
    void aRealEcKeyInEveryEncodingUnlocksItsOwnPublicKey() {
        KeyPair keys = TestCsrs.ec("secp384r1");
        // the key as a certificate carries it, first, then its compressed point
        assertThat(ExposedKeys.publicKeyHashes("look:\n" + TestCsrs.privateKeyPem(keys))).first().isEqualTo(hashOf(keys));
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", keys.getPrivate().getEncoded())))
                .containsExactlyElementsOf(PublicKeyHashes.ofEveryEncoding(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())))
                .hasSize(2);
    }

    @Test
    void aRealRsaKeyUnlocksItsOwnPublicKey() {
        KeyPair keys = TestCsrs.rsa2048();
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))).first().isEqualTo(hashOf(keys));
    }

    @Test
    void anRsaKeyMailedWithAnotherExponentUnlocksTheKeyOfItsModulusThatCertdeskCertifies() {
        KeyPair certified = TestCsrs.rsa(2048);
        KeyPair sameModulus = TestCsrs.rsaWithExponent(certified, 3);
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", sameModulus.getPrivate().getEncoded())))
                .as("the key id first: a mail's list cut at its limit keeps it").first().isEqualTo(hashOf(certified));
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", sameModulus.getPrivate().getEncoded()))).contains(hashOf(sameModulus));
        assertThat(PublicKeyHashes.ofEveryEncoding(SubjectPublicKeyInfo.getInstance(sameModulus.getPublic().getEncoded())))
                .as("a CSR with the same modulus and exponent 3 is the certified key").contains(hashOf(certified));
        assertThat(PublicKeyHashes.ofEveryEncoding(SubjectPublicKeyInfo.getInstance(TestCsrs.rsa(2048).getPublic().getEncoded())))
                .as("another modulus is another key").doesNotContain(hashOf(certified));
    }

    @Test
    void anRsaKeyWrittenWithALongerLengthIsTheSameKey() {
        KeyPair keys = TestCsrs.rsa2048();
        SubjectPublicKeyInfo padded = TestCsrs.csrWithPaddedRsaKeyLength("CN=acme-42", keys).getSubjectPublicKeyInfo();
        assertThat(PublicKeyHashes.ofEveryEncoding(padded)).contains(hashOf(keys));
        assertThat(PublicKeyHashes.isCanonical(padded)).isFalse();
        assertThat(PublicKeyHashes.isCanonical(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()))).isTrue();
    }

    @Test
    void anEcKeyWrittenWithExplicitCurveParametersUnlocksItsNamedCurveKey() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        BigInteger d = ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS();
        X9ECParameters explicit = ECNamedCurveTable.getByName("secp384r1");
        byte[] sec1 = new ECPrivateKey(384, d, explicit).getEncoded();
        assertThat(ExposedKeys.publicKeyHashes(pem("EC PRIVATE KEY", sec1))).contains(hashOf(keys));
        SubjectPublicKeyInfo withExplicit = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, explicit),
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes());
        assertThat(PublicKeyHashes.ofEveryEncoding(withExplicit)).contains(hashOf(keys));
        assertThat(PublicKeyHashes.isCanonical(withExplicit)).isFalse();
    }

    @Test
    void anEcPublicKeyCopiedBesideAPrivateValueOfTheSendersChoosingUnlocksNothingOfItsOwner() throws Exception {
        KeyPair victim = TestCsrs.ec("secp384r1");
        SubjectPublicKeyInfo victims = SubjectPublicKeyInfo.getInstance(victim.getPublic().getEncoded());
        byte[] forged = new ECPrivateKey(384, BigInteger.valueOf(7), victims.getPublicKeyData(), victims.getAlgorithm().getParameters())
                .getEncoded();
        assertThat(ExposedKeys.publicKeyHashes(pem("EC PRIVATE KEY", forged))).isNotEmpty()
                .doesNotContainAnyElementsOf(PublicKeyHashes.ofEveryEncoding(victims));
    }

    @Test
    void anRsaModulusCopiedWithFactorsThatAreNotItsOwnUnlocksNothing() throws Exception {
        RSAPrivateCrtKey victim = (RSAPrivateCrtKey) TestCsrs.rsa2048().getPrivate();
        RSAPrivateCrtKey other = (RSAPrivateCrtKey) TestCsrs.rsa(2048).getPrivate();
        byte[] forged = new RSAPrivateKey(victim.getModulus(), victim.getPublicExponent(), other.getPrivateExponent(),
                other.getPrimeP(), other.getPrimeQ(), other.getPrimeExponentP(), other.getPrimeExponentQ(), other.getCrtCoefficient())
                .getEncoded();
        assertThat(ExposedKeys.publicKeyHashes(pem("RSA PRIVATE KEY", forged))).isEmpty();
    }

    @Test
    void anEcKeyWhoseCertificateCarriesItsPointCompressedStillUnlocksThatCertificate() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        SubjectPublicKeyInfo uncompressed = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        ECPoint point = ECNamedCurveTable.getByName("secp384r1").getCurve().decodePoint(uncompressed.getPublicKeyData().getBytes());
        // a CSR made after openssl ec -conv_form compressed: certdesk signs its SubjectPublicKeyInfo as it is and
        // records the hash of exactly that
        String certificatesKey = Fingerprints.sha256Hex(new SubjectPublicKeyInfo(uncompressed.getAlgorithm(), point.getEncoded(true)).getEncoded());
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))).contains(certificatesKey);
    }

    @Test
    void anRsaKeyWithAHugePrivateExponentCostsNoMoreThanARealKey() throws Exception {
        // the sender's own modulus, so p·q = n holds; only the private exponent is oversized (about 31 KB)
        SecureRandom random = new SecureRandom();
        BigInteger p = new BigInteger(4096, random).setBit(4095).setBit(0);
        BigInteger q = new BigInteger(4096, random).setBit(4095).setBit(0);
        BigInteger d = new BigInteger(250_000, random).setBit(249_999);
        String mail = pem("RSA PRIVATE KEY", new RSAPrivateKey(p.multiply(q), BigInteger.valueOf(65537), d, p, q,
                BigInteger.ONE, BigInteger.ONE, BigInteger.ONE).getEncoded());
        // no such key is certified (a 32-bit public exponent at most, d below n): refused before any arithmetic
        assertThat(assertTimeout(Duration.ofSeconds(5), () -> ExposedKeys.publicKeyHashes(mail))).isEmpty();
    }

    @Test
    void privateKeyHeadersWithoutAnEndAreScannedInLinearTime() {
        // 252 KB, within the 256 KB of mail text certdesk reads
        String mail = "-----BEGIN PRIVATE KEY-----\n".repeat(18_000);
        assertTimeout(Duration.ofSeconds(5), () -> ExposedKeys.publicKeyHashes(mail));
    }

    @Test
    void aKeyAfterAnUnclosedBlockOfAnotherKindIsStillFound() {
        KeyPair keys = TestCsrs.ec("secp384r1");
        assertThat(ExposedKeys.publicKeyHashes("-----BEGIN RSA PRIVATE KEY-----\ncut off here\n"
                + pem("PRIVATE KEY", keys.getPrivate().getEncoded()))).contains(hashOf(keys));
    }

    @Test
    void aKeyInDerUnlocksItsOwnPublicKeyInEachFormOpensslWrites() throws Exception {
        KeyPair ec = TestCsrs.ec("secp384r1");
        SubjectPublicKeyInfo ecPublic = SubjectPublicKeyInfo.getInstance(ec.getPublic().getEncoded());
        BigInteger d = ECPrivateKey.getInstance(PrivateKeyInfo.getInstance(ec.getPrivate().getEncoded()).parsePrivateKey()).getKey();
        byte[] sec1 = new ECPrivateKey(384, d, ecPublic.getPublicKeyData(), ecPublic.getAlgorithm().getParameters()).getEncoded();
        KeyPair rsa = TestCsrs.rsa2048();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();

        assertThat(ExposedKeys.publicKeyHashesOfDer(ec.getPrivate().getEncoded())).as("PKCS#8").first().isEqualTo(hashOf(ec));
        assertThat(ExposedKeys.publicKeyHashesOfDer(sec1)).as("SEC1 (openssl ec -outform DER)").first().isEqualTo(hashOf(ec));
        assertThat(ExposedKeys.publicKeyHashesOfDer(pkcs1)).as("PKCS#1 (openssl rsa -traditional -outform DER)").first().isEqualTo(hashOf(rsa));
        for (byte[] key : new byte[][]{ec.getPrivate().getEncoded(), sec1, pkcs1}) {
            assertThat(ExposedKeys.isPrivateKeyDer(key)).isTrue();
        }
    }

    @Test
    void csrsAndCertificatesInDerAreNotTakenForKeys() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        byte[] csr = TestCsrs.csr("CN=acme-42", keys).getEncoded();
        assertThat(ExposedKeys.isPrivateKeyDer(csr)).isFalse();
        assertThat(ExposedKeys.publicKeyHashesOfDer(csr)).isEmpty();
        assertThat(ExposedKeys.isPrivateKeyDer(keys.getPublic().getEncoded())).isFalse();
        assertThat(ExposedKeys.isPrivateKeyDer("not DER at all".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(ExposedKeys.isPrivateKeyDer(new byte[]{0x30, (byte) 0x84, 0x7f, 0x7f, 0x7f, 0x7f})).as("a length beyond the data").isFalse();
    }

    @Test
    void aForgedEcKeyInDerUnlocksNothingOfTheOwnerOfThePublicKeyItCarries() throws Exception {
        KeyPair victim = TestCsrs.ec("secp384r1");
        SubjectPublicKeyInfo victims = SubjectPublicKeyInfo.getInstance(victim.getPublic().getEncoded());
        byte[] forged = new ECPrivateKey(384, BigInteger.valueOf(7), victims.getPublicKeyData(), victims.getAlgorithm().getParameters())
                .getEncoded();
        assertThat(ExposedKeys.isPrivateKeyDer(forged)).isTrue();
        assertThat(ExposedKeys.publicKeyHashesOfDer(forged)).doesNotContainAnyElementsOf(PublicKeyHashes.ofEveryEncoding(victims));
    }

    @Test
    void dataNestedToOverflowAParsersStackIsNeitherAKeyNorAnError() {
        byte[] nested = Asn1NestingTest.indefinitelyNested(40_000);
        assertThat(ExposedKeys.isPrivateKeyDer(nested)).isFalse();
        assertThat(ExposedKeys.publicKeyHashesOfDer(nested)).isEmpty();
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", nested))).isEmpty();
        assertThat(ExposedKeys.publicKeyHashes(pem("EC PRIVATE KEY", nested))).isEmpty();
    }

    @Test
    void aDerKeyWithSomethingAfterItIsStillFound() throws Exception {
        KeyPair keys = TestCsrs.ec("secp384r1");
        byte[] key = keys.getPrivate().getEncoded();
        byte[] withNewline = java.util.Arrays.copyOf(key, key.length + 1);
        withNewline[key.length] = '\n';
        byte[] csr = TestCsrs.csr("CN=acme-42", keys).getEncoded();
        byte[] withCsr = java.util.Arrays.copyOf(key, key.length + csr.length);
        System.arraycopy(csr, 0, withCsr, key.length, csr.length);
        for (byte[] bundle : new byte[][]{withNewline, withCsr}) {
            assertThat(ExposedKeys.isPrivateKeyDer(bundle)).isTrue();
            assertThat(ExposedKeys.publicKeyHashesOfDer(bundle)).first().isEqualTo(hashOf(keys));
        }
    }

    @Test
    void keysThatCannotBeMatchedAreStillFoundAndLookAlikesAreNot() throws Exception {
        // OpenSSL's traditional DSA key: six integers, version 0
        ASN1Encodable[] dsa = new ASN1Encodable[6];
        dsa[0] = new ASN1Integer(0);
        for (int i = 1; i < 6; i++) {
            dsa[i] = new ASN1Integer(BigInteger.valueOf(1000 + i));
        }
        assertThat(ExposedKeys.isPrivateKeyDer(new DERSequence(dsa).getEncoded())).as("DSA").isTrue();
        // a multi-prime RSA key: version 1, nine integers and the other primes
        ASN1Encodable[] multiPrime = new ASN1Encodable[10];
        multiPrime[0] = new ASN1Integer(1);
        for (int i = 1; i < 9; i++) {
            multiPrime[i] = new ASN1Integer(BigInteger.valueOf(7919L * i));
        }
        multiPrime[9] = new DERSequence(new DERSequence(new ASN1Encodable[]{new ASN1Integer(3), new ASN1Integer(5), new ASN1Integer(7)}));
        assertThat(ExposedKeys.isPrivateKeyDer(new DERSequence(multiPrime).getEncoded())).as("multi-prime RSA").isTrue();
        // an encrypted PKCS#8 key (PBES2), and a DigestInfo, which has the same shape with a hash algorithm
        byte[] encrypted = new DERSequence(new ASN1Encodable[]{new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, DERNull.INSTANCE),
                new DEROctetString(new byte[64])}).getEncoded();
        byte[] digestInfo = new DERSequence(new ASN1Encodable[]{new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE),
                new DEROctetString(new byte[32])}).getEncoded();
        assertThat(ExposedKeys.isPrivateKeyDer(encrypted)).as("encrypted PKCS#8").isTrue();
        assertThat(ExposedKeys.publicKeyHashesOfDer(encrypted)).isEmpty();
        assertThat(ExposedKeys.isPrivateKeyDer(digestInfo)).as("DigestInfo").isFalse();
        // nine elements that are not all integers are no PKCS#1 key
        ASN1Encodable[] mixed = new ASN1Encodable[9];
        mixed[0] = new ASN1Integer(0);
        for (int i = 1; i < 9; i++) {
            mixed[i] = new DERUTF8String("field " + i);
        }
        assertThat(ExposedKeys.isPrivateKeyDer(new DERSequence(mixed).getEncoded())).isFalse();
    }

    @Test
    void aChosenRsaKeyWithATinyFactorCostsMicrosecondsNotAModularExponentiation() throws Exception {
        // p = 3 and q = n / 3 pass p·q = n for a modulus of the sender's making; two modPow calls with an 8192-bit
        // modulus and exponent cost about 200 ms, per key block, of which a mail may carry dozens
        SecureRandom random = new SecureRandom();
        BigInteger q = new BigInteger(8190, random).setBit(8189).setBit(0);
        BigInteger n = q.multiply(BigInteger.valueOf(3));
        BigInteger d = new BigInteger(8180, random).setBit(8179);
        String mail = pem("RSA PRIVATE KEY", new RSAPrivateKey(n, BigInteger.valueOf(65537), d, BigInteger.valueOf(3), q,
                BigInteger.ONE, BigInteger.ONE, BigInteger.ONE).getEncoded()).repeat(50);
        assertThat(assertTimeout(Duration.ofSeconds(2), () -> ExposedKeys.publicKeyHashes(mail))).isEmpty();
    }

    @Test
    void nestingBehindALongFormLengthOrInsideAKeysOctetStringIsNeitherAKeyNorAnError() throws Exception {
        byte[] nested = Asn1NestingTest.indefinitelyNested(30_000);
        java.io.ByteArrayOutputStream longForm = new java.io.ByteArrayOutputStream();
        longForm.writeBytes(new byte[]{0x30, (byte) 0x85, 0, 0, 0, (byte) (nested.length >> 8), (byte) nested.length});
        longForm.writeBytes(nested);
        assertThat(ExposedKeys.isPrivateKeyDer(longForm.toByteArray())).isFalse();
        assertThat(ExposedKeys.publicKeyHashesOfDer(longForm.toByteArray())).isEmpty();
        // a PKCS#8 RSA key whose private key OCTET STRING holds the nesting: parsed again when the key is read
        byte[] pkcs8 = new DERSequence(new ASN1Encodable[]{new ASN1Integer(0),
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), new DEROctetString(nested)}).getEncoded();
        assertThat(ExposedKeys.publicKeyHashesOfDer(pkcs8)).isEmpty();
        assertThat(ExposedKeys.publicKeyHashes(pem("PRIVATE KEY", pkcs8))).isEmpty();
    }
}
