package io.certdesk.request;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.certdesk.authority.Fingerprints;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * The public keys belonging to private keys that turned up in a mail, as SHA-256 hashes, so the certificates
 * they unlock can be revoked. The private keys are read in memory only and never kept; encrypted keys cannot be
 * read and yield nothing.
 */
public final class ExposedKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END \\1PRIVATE KEY-----", Pattern.DOTALL);

    private ExposedKeys() {
    }

    public static List<String> publicKeyHashes(String text) {
        List<String> hashes = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try (PEMParser parser = new PEMParser(new StringReader(matcher.group()))) {
                SubjectPublicKeyInfo spki = publicKey(parser.readObject());
                if (spki != null) {
                    String hash = Fingerprints.sha256Hex(spki.getEncoded());
                    if (!hashes.contains(hash)) {
                        hashes.add(hash);
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // an encrypted or damaged key: it is still reported as exposed, only not matched
            }
        }
        return hashes;
    }

    /**
     * The public key the private key itself determines, never a public key written beside it: a "private key" file
     * can carry anyone's public key (copied from a certificate) next to a private value of the sender's choosing, and
     * must not revoke that certificate. EC: d·G. RSA: only when p·q is the modulus (knowing p and q is holding the key).
     */
    private static SubjectPublicKeyInfo publicKey(Object parsed) throws IOException {
        if (parsed instanceof PEMKeyPair pair) {
            return publicKey(pair.getPrivateKeyInfo());
        }
        if (parsed instanceof PrivateKeyInfo info) {
            ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                RSAPrivateKey rsa = RSAPrivateKey.getInstance(info.parsePrivateKey());
                if (!holdsRsaKey(rsa)) {
                    return null;
                }
                return new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), new RSAPublicKey(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
                AlgorithmIdentifier id = info.getPrivateKeyAlgorithm();
                X9ECParameters curve = ECNamedCurveTable.getByOID(ASN1ObjectIdentifier.getInstance(id.getParameters()));
                BigInteger d = ec.getKey();
                if (curve == null || d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
                    return null;
                }
                return new SubjectPublicKeyInfo(id, new DERBitString(curve.getG().multiply(d).normalize().getEncoded(false)).getBytes());
            }
        }
        return null;
    }

    /** p·q = n with both factors above one, and the private exponent undoes the public one. */
    private static boolean holdsRsaKey(RSAPrivateKey rsa) {
        BigInteger n = rsa.getModulus();
        BigInteger p = rsa.getPrime1();
        BigInteger q = rsa.getPrime2();
        if (n.bitLength() > CsrFacts.MAX_VERIFIED_RSA_BITS) {
            return false;  // certdesk certifies no such key, and checking one would cost seconds
        }
        if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0 || !p.multiply(q).equals(n)) {
            return false;
        }
        BigInteger probe = BigInteger.valueOf(0x10001).mod(n);
        return probe.modPow(rsa.getPublicExponent(), n).modPow(rsa.getPrivateExponent(), n).equals(probe);
    }
}
