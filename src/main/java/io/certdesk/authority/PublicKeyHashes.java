package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;

/**
 * SHA-256 of a public key in each encoding the same key can have in a CSR, and so in the certificate certdesk
 * signed from it: an EC point uncompressed or compressed, RSA parameters NULL or absent. Whoever compares a key with
 * the inventory's keys (key reuse, exposed or compromised private keys) compares them all, so a key is the same key
 * however it came.
 *
 * <p>An RSA key is its modulus: whoever knows the private key for a modulus can factor it and make the private key
 * for any other exponent. So an RSA key's hashes also include those of the same modulus with the exponent 65537,
 * the only one certdesk signs (KEY_EXPONENT_NOT_ALLOWED): a compromised key with an odd exponent is found by the
 * key a client would bring next, and the key with 65537 matches every certificate certdesk issued for that modulus.
 */
public final class PublicKeyHashes {

    private static final BigInteger CERTIFIED_EXPONENT = BigInteger.valueOf(65537);

    private PublicKeyHashes() {
    }

    /**
     * The key's hash as given first, then its other encodings' (none for an unreadable key). Everything inside the
     * key is read and written again in DER, so a length written with leading zeros or a BER form of the RSA key is
     * the key it encodes, not a key certdesk has never seen.
     */
    public static List<String> ofEveryEncoding(SubjectPublicKeyInfo key) {
        Set<String> hashes = new LinkedHashSet<>();
        try {
            hashes.add(Fingerprints.sha256Hex(key.getEncoded()));
            ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                X9ECParameters curve = ECNamedCurveTable.getByOID(ASN1ObjectIdentifier.getInstance(key.getAlgorithm().getParameters()));
                if (curve != null) {
                    AlgorithmIdentifier named = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                            ASN1ObjectIdentifier.getInstance(key.getAlgorithm().getParameters()));
                    ECPoint point = curve.getCurve().decodePoint(key.getPublicKeyData().getBytes());
                    hashes.add(Fingerprints.sha256Hex(new SubjectPublicKeyInfo(named, point.getEncoded(false)).getEncoded(ASN1Encoding.DER)));
                    hashes.add(Fingerprints.sha256Hex(new SubjectPublicKeyInfo(named, point.getEncoded(true)).getEncoded(ASN1Encoding.DER)));
                }
            } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                byte[] given = key.getPublicKeyData().getBytes();
                RSAPublicKey rsa = RSAPublicKey.getInstance(given);
                addRsa(hashes, rsa.getEncoded(ASN1Encoding.DER));
                addRsa(hashes, given);
                if (!CERTIFIED_EXPONENT.equals(rsa.getPublicExponent())) {
                    addRsa(hashes, new RSAPublicKey(rsa.getModulus(), CERTIFIED_EXPONENT).getEncoded(ASN1Encoding.DER));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // what could be read is returned; an unreadable key matches no certificate
        }
        return List.copyOf(hashes);
    }

    /** Whether an RSA key's inside is DER, as every key tool writes it (true for any other key). */
    public static boolean rsaKeyIsDer(SubjectPublicKeyInfo key) {
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm())) {
            return true;
        }
        try {
            byte[] given = key.getPublicKeyData().getBytes();
            return Arrays.equals(given, RSAPublicKey.getInstance(given).getEncoded(ASN1Encoding.DER));
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    private static void addRsa(Set<String> hashes, byte[] rsaPublicKey) throws IOException {
        hashes.add(Fingerprints.sha256Hex(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsaPublicKey).getEncoded(ASN1Encoding.DER)));
        hashes.add(Fingerprints.sha256Hex(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption), rsaPublicKey).getEncoded(ASN1Encoding.DER)));
    }
}
