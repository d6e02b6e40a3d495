package io.certdesk.request;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.certdesk.authority.PublicKeyHashes;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
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

    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";
    private static final Pattern PRIVATE_KEY_LABEL = Pattern.compile("[A-Z ]{0,20}PRIVATE KEY");
    /** Key blocks read from one text at most; the mail counts as exposing a key however many it holds. */
    static final int MAX_BLOCKS = 64;

    private ExposedKeys() {
    }

    /**
     * SHA-256 of the public keys of the readable private keys in {@code text}, each in every encoding a certificate
     * may carry it in. At most {@value #MAX_BLOCKS} BEGIN lines are looked at, and each kind of END is searched for until it is missing.
     */
    public static List<String> publicKeyHashes(String text) {
        List<String> hashes = new ArrayList<>();
        Set<String> unclosed = new HashSet<>();
        int from = 0;
        for (int blocks = 0; blocks < MAX_BLOCKS; blocks++) {
            int begin = text.indexOf(BEGIN, from);
            if (begin < 0) {
                break;
            }
            int labelEnd = text.indexOf(DASHES, begin + BEGIN.length());
            if (labelEnd < 0) {
                break;
            }
            String label = text.substring(begin + BEGIN.length(), labelEnd);
            from = labelEnd + DASHES.length();
            if (!PRIVATE_KEY_LABEL.matcher(label).matches()) {
                continue;
            }
            String end = "-----END " + label + DASHES;
            int endAt = unclosed.contains(label) ? -1 : text.indexOf(end, from);
            if (endAt < 0) {
                unclosed.add(label);  // no END of this kind follows: later BEGINs of it are not searched again
                continue;
            }
            from = endAt + end.length();
            try (PEMParser parser = new PEMParser(new StringReader(text.substring(begin, from)))) {
                SubjectPublicKeyInfo spki = publicKey(parser.readObject());
                if (spki != null) {
                    PublicKeyHashes.ofEveryEncoding(spki).stream().filter(hash -> !hashes.contains(hash)).forEach(hashes::add);
                }
            } catch (IOException | RuntimeException unreadable) {
                // an encrypted or damaged key: it is still reported as exposed, only not matched
            }
        }
        return hashes;
    }

    /**
     * The same for a key file in DER (a {@code .key}, {@code .p8} or {@code .der} written with {@code -outform DER}):
     * PKCS#8 unencrypted, SEC1 EC or PKCS#1 RSA. Anything else (an encrypted PKCS#8, a PKCS#12) yields nothing.
     */
    public static List<String> publicKeyHashesOfDer(byte[] der) {
        if (der == null || der.length < 2 || der[0] != 0x30) {
            return List.of();
        }
        try {
            ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            SubjectPublicKeyInfo spki = publicKey(privateKeyInfo(sequence));
            return spki == null ? List.of() : PublicKeyHashes.ofEveryEncoding(spki);
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
    }

    /**
     * Whether the bytes are a private key in DER, readable or not: PKCS#8 (also encrypted), SEC1 EC, PKCS#1 RSA or a
     * PKCS#12 file. A
     * CSR or a certificate is none of these (their second element is a signature algorithm and their third a bit string).
     */
    public static boolean isPrivateKeyDer(byte[] der) {
        if (der == null || der.length < 2 || der[0] != 0x30) {
            return false;
        }
        try {
            ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            int size = sequence.size();
            boolean versioned = sequence.getObjectAt(0) instanceof ASN1Integer;
            if (size == 2 && sequence.getObjectAt(0) instanceof ASN1Sequence && sequence.getObjectAt(1) instanceof ASN1OctetString) {
                return true;  // EncryptedPrivateKeyInfo
            }
            if (versioned && ((ASN1Integer) sequence.getObjectAt(0)).hasValue(3) && size >= 2
                    && sequence.getObjectAt(1) instanceof ASN1Sequence content && content.size() >= 1
                    && PKCSObjectIdentifiers.data.equals(content.getObjectAt(0))) {
                return true;  // PKCS#12 (a .p12 or .pfx by another name): it holds a key, encrypted or not
            }
            return versioned && (sequence.getObjectAt(1) instanceof ASN1OctetString
                    || size >= 3 && sequence.getObjectAt(1) instanceof ASN1Sequence && sequence.getObjectAt(2) instanceof ASN1OctetString
                    || size == 9);
        } catch (IOException | RuntimeException notDer) {
            return false;
        }
    }

    /** A DER private key as PKCS#8, whichever of the three forms it came in; null when it is none of them. */
    private static PrivateKeyInfo privateKeyInfo(ASN1Sequence sequence) throws IOException {
        int size = sequence.size();
        if (size >= 3 && sequence.getObjectAt(1) instanceof ASN1Sequence && sequence.getObjectAt(2) instanceof ASN1OctetString) {
            return PrivateKeyInfo.getInstance(sequence);
        }
        if (size >= 2 && size <= 4 && sequence.getObjectAt(1) instanceof ASN1OctetString) {
            ECPrivateKey ec = ECPrivateKey.getInstance(sequence);
            return ec.getParametersObject() == null ? null
                    : new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()), ec);
        }
        if (size == 9) {
            return new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    RSAPrivateKey.getInstance(sequence));
        }
        return null;
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
        BigInteger d = rsa.getPrivateExponent();
        if (n.bitLength() > CsrFacts.MAX_VERIFIED_RSA_BITS || rsa.getPublicExponent().bitLength() > 32
                || d.signum() <= 0 || d.compareTo(n) >= 0) {
            return false;  // certdesk certifies no such key, and checking one could cost seconds
        }
        if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0 || !p.multiply(q).equals(n)) {
            return false;
        }
        BigInteger probe = BigInteger.valueOf(0x10001).mod(n);
        return probe.modPow(rsa.getPublicExponent(), n).modPow(d, n).equals(probe);
    }
}
