package io.certdesk.request;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import java.util.Set;
import java.util.regex.Pattern;

import io.certdesk.authority.Asn1Nesting;
import io.certdesk.authority.PublicKeyHashes;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
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
                    hashesOf(spki).stream().filter(hash -> !hashes.contains(hash)).forEach(hashes::add);
                }
            } catch (IOException | RuntimeException | StackOverflowError unreadable) {
                // an encrypted or damaged key (or one nested to overflow the parser's recursion): it is still
                // reported as exposed, only not matched
            }
        }
        return hashes;
    }

    /**
     * The same for a key file in DER (a {@code .key}, {@code .p8} or {@code .der} written with {@code -outform DER}):
     * PKCS#8 unencrypted, SEC1 EC or PKCS#1 RSA. Anything else (an encrypted PKCS#8, a PKCS#12) yields nothing.
     */
    public static List<String> publicKeyHashesOfDer(byte[] der) {
        ASN1Sequence sequence = firstSequence(der);
        if (sequence == null) {
            return List.of();
        }
        try {
            SubjectPublicKeyInfo spki = publicKey(privateKeyInfo(sequence));
            return spki == null ? List.of() : hashesOf(spki);
        } catch (IOException | RuntimeException | StackOverflowError unreadable) {
            return List.of();
        }
    }

    /**
     * Whether the bytes are a private key in DER, readable or not: PKCS#8 (also encrypted), SEC1 EC, PKCS#1 RSA or a
     * PKCS#12 file. A
     * CSR or a certificate is none of these (their second element is a signature algorithm and their third a bit string).
     */
    public static boolean isPrivateKeyDer(byte[] der) {
        ASN1Sequence sequence = firstSequence(der);
        if (sequence == null || sequence.size() < 2) {
            return false;
        }
        ASN1Encodable first = sequence.getObjectAt(0);
        ASN1Encodable second = sequence.getObjectAt(1);
        if (first instanceof ASN1Sequence algorithm && second instanceof ASN1OctetString) {
            // EncryptedPrivateKeyInfo, told from a DigestInfo (the same shape) by its password-based encryption
            return algorithm.size() >= 1 && algorithm.getObjectAt(0) instanceof ASN1ObjectIdentifier oid
                    && (oid.on(PKCSObjectIdentifiers.pkcs_5) || oid.on(PKCSObjectIdentifiers.pkcs_12PbeIds));
        }
        if (!(first instanceof ASN1Integer version)) {
            return false;  // a CSR, a certificate, a CRL or a PKCS#7 starts with a SEQUENCE or an OID
        }
        int size = sequence.size();
        int integers = 0;
        while (integers < size && sequence.getObjectAt(integers) instanceof ASN1Integer) {
            integers++;
        }
        if (integers == size && size == 6 && version.hasValue(0)) {
            return true;  // OpenSSL's DSA key: version, p, q, g, y, x
        }
        if (integers == size && size == 9 && version.hasValue(0)
                || integers == 9 && size == 10 && version.hasValue(1) && sequence.getObjectAt(9) instanceof ASN1Sequence) {
            return true;  // PKCS#1 RSA: version, n, e, d, p, q, dp, dq, qinv (and, multi-prime, the other primes)
        }
        if (version.hasValue(1) && second instanceof ASN1OctetString) {
            return true;  // SEC1 EC
        }
        if ((version.hasValue(0) || version.hasValue(1)) && size >= 3 && second instanceof ASN1Sequence algorithm
                && algorithm.size() >= 1 && algorithm.getObjectAt(0) instanceof ASN1ObjectIdentifier
                && sequence.getObjectAt(2) instanceof ASN1OctetString) {
            return true;  // PKCS#8 PrivateKeyInfo / OneAsymmetricKey
        }
        // PKCS#12 (a .p12 or .pfx by another name), with password or public-key integrity: it holds a key
        return version.hasValue(3) && second instanceof ASN1Sequence content && content.size() >= 1
                && (PKCSObjectIdentifiers.data.equals(content.getObjectAt(0)) || PKCSObjectIdentifiers.signedData.equals(content.getObjectAt(0)));
    }

    /**
     * The first ASN.1 value of the data, if it is a SEQUENCE that nests no deeper than keys do; what follows it
     * (a newline, a certificate appended with cat) does not hide it.
     */
    private static ASN1Sequence firstSequence(byte[] der) {
        if (der == null || der.length < 2 || der[0] != 0x30 || !Asn1Nesting.within(der, Asn1Nesting.MAX_DEPTH)) {
            return null;
        }
        try (ASN1InputStream in = new ASN1InputStream(der)) {
            return in.readObject() instanceof ASN1Sequence sequence ? sequence : null;
        } catch (IOException | RuntimeException | StackOverflowError notDer) {
            return null;
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
        // a multi-prime RSA key or a DSA key is found (isPrivateKeyDer) but not matched
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
                // a key written with explicit parameters (openssl ec -param_enc explicit) is on the named curve they repeat
                ASN1ObjectIdentifier curveOid = PublicKeyHashes.namedCurve(info.getPrivateKeyAlgorithm().getParameters());
                X9ECParameters curve = curveOid == null ? null : ECNamedCurveTable.getByOID(curveOid);
                BigInteger d = ec.getKey();
                if (curve == null || d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
                    return null;
                }
                return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curveOid),
                        new DERBitString(curve.getG().multiply(d).normalize().getEncoded(false)).getBytes());
            }
        }
        return null;
    }

    /**
     * A key's hashes with its key id first: a mail's list of hashes is cut at a limit, and what is kept of a key
     * then still finds every certificate with it.
     */
    private static List<String> hashesOf(SubjectPublicKeyInfo spki) {
        return Stream.concat(Stream.of(PublicKeyHashes.keyId(spki)), PublicKeyHashes.ofEveryEncoding(spki).stream()).distinct().toList();
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
        // e·d = 1 modulo lcm(p-1, q-1): what a real key's exponents satisfy, checked in microseconds (two modPow
        // calls with a chosen 8192-bit key cost 200 ms)
        BigInteger pMinus1 = p.subtract(BigInteger.ONE);
        BigInteger qMinus1 = q.subtract(BigInteger.ONE);
        BigInteger lambda = pMinus1.divide(pMinus1.gcd(qMinus1)).multiply(qMinus1);
        return lambda.signum() > 0 && rsa.getPublicExponent().multiply(d).mod(lambda).equals(BigInteger.ONE);
    }
}
