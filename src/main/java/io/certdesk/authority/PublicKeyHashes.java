package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ECPoint;
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
                NamedPoint named = NamedPoint.of(key);
                if (named != null) {
                    Set<ASN1ObjectIdentifier> names = new LinkedHashSet<>(List.of(named.curve()));
                    if (key.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier given) {
                        names.add(given);
                    }
                    for (ASN1ObjectIdentifier name : names) {
                        hashes.add(named.hash(name, false));
                        hashes.add(named.hash(name, true));
                    }
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

    /**
     * The one hash by which the inventory knows a key, whatever encoding its certificate has: an RSA key as its
     * modulus with the exponent 65537 and parameters NULL, an EC key on its named curve with the point uncompressed.
     * It is one of {@link #ofEveryEncoding}'s hashes, so a look-up by any key's hashes finds every certificate with
     * the same key (the same modulus, the same point) however either was written. A key that cannot be read this way
     * (another algorithm, a curve of anyone's own making) is known by the hash of its encoding as given.
     */
    public static String keyId(SubjectPublicKeyInfo key) {
        try {
            ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                NamedPoint named = NamedPoint.of(key);
                if (named != null) {
                    return named.hash(named.curve(), false);
                }
            } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                RSAPublicKey rsa = RSAPublicKey.getInstance(key.getPublicKeyData().getBytes());
                return Fingerprints.sha256Hex(new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        new RSAPublicKey(rsa.getModulus(), CERTIFIED_EXPONENT).getEncoded(ASN1Encoding.DER)).getEncoded(ASN1Encoding.DER));
            }
            return Fingerprints.sha256Hex(key.getEncoded());
        } catch (IOException | RuntimeException unreadable) {
            try {
                return Fingerprints.sha256Hex(key.getEncoded());
            } catch (IOException unencodable) {
                throw new IllegalArgumentException("unencodable public key", unencodable);
            }
        }
    }

    /**
     * Whether the key is written as key tools write it, so that its certificate is found by the hashes above: an RSA
     * key in DER with its parameters NULL or absent; an EC key on a named curve with its point compressed or
     * uncompressed (not "hybrid"). Other algorithms are refused elsewhere and pass here.
     */
    public static boolean isCanonical(SubjectPublicKeyInfo key) {
        ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
        try {
            byte[] given = key.getPublicKeyData().getBytes();
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                ASN1Encodable parameters = key.getAlgorithm().getParameters();
                return (parameters == null || DERNull.INSTANCE.equals(parameters))
                        && Arrays.equals(given, RSAPublicKey.getInstance(given).getEncoded(ASN1Encoding.DER));
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                return key.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier
                        && given.length > 0 && (given[0] == 0x02 || given[0] == 0x03 || given[0] == 0x04);
            }
            return true;
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /**
     * The named curve EC parameters stand for: the OID as given, or the named curve whose field, equation, base
     * point and order explicit parameters repeat (as {@code openssl ec -param_enc explicit} writes a key); null for
     * a curve of anyone's own making. A curve known by several OIDs (BouncyCastle's table has a few such aliases) is
     * named by the lowest of them, so one point on it is one key whichever OID a key names.
     */
    public static ASN1ObjectIdentifier namedCurve(ASN1Encodable parameters) {
        if (parameters == null) {
            return null;
        }
        ASN1Primitive primitive = parameters.toASN1Primitive();
        if (primitive instanceof ASN1ObjectIdentifier oid) {
            return ECNamedCurveTable.getByOID(oid) == null ? null : CurveNames.TABLE.canonical.getOrDefault(oid, oid);
        }
        if (!(primitive instanceof ASN1Sequence sequence) || !CurveNames.TABLE.couldBeNamed(sequence)) {
            return null;
        }
        X9ECParameters explicit = X9ECParameters.getInstance(primitive);
        return CurveNames.TABLE.byParameters.get(CurveNames.parametersOf(explicit));
    }

    /** An EC key's point on the named curve its parameters stand for (the lowest OID of that curve). */
    private record NamedPoint(ASN1ObjectIdentifier curve, ECPoint point) {

        /** Null for a curve of anyone's own making. */
        static NamedPoint of(SubjectPublicKeyInfo key) {
            ASN1ObjectIdentifier curveOid = namedCurve(key.getAlgorithm().getParameters());
            X9ECParameters parameters = curveOid == null ? null : ECNamedCurveTable.getByOID(curveOid);
            return parameters == null ? null
                    : new NamedPoint(curveOid, parameters.getCurve().decodePoint(key.getPublicKeyData().getBytes()));
        }

        /** SHA-256 of the key written under the curve OID {@code name}, with the point compressed or not. */
        String hash(ASN1ObjectIdentifier name, boolean compressed) throws IOException {
            return Fingerprints.sha256Hex(new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, name),
                    point.getEncoded(compressed)).getEncoded(ASN1Encoding.DER));
        }
    }

    /** Every named curve BouncyCastle knows, read once: each OID's lowest alias, and the curve of given parameters. */
    private static final class CurveNames {

        static final CurveNames TABLE = new CurveNames();

        final Map<ASN1ObjectIdentifier, ASN1ObjectIdentifier> canonical = new HashMap<>();
        final Map<List<Object>, ASN1ObjectIdentifier> byParameters = new HashMap<>();
        /** The longest encoding of any named curve (base point uncompressed, with its seed). */
        private int maxEncodedLength;
        /** Each named curve's field as written, a, b and order. */
        private final Set<List<Object>> namedFieldsEquationsAndOrders = new HashSet<>();

        private CurveNames() {
            for (Enumeration<?> names = ECNamedCurveTable.getNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                X9ECParameters curve = ECNamedCurveTable.getByName(name);
                ASN1ObjectIdentifier oid = ECNamedCurveTable.getOID(name);
                if (curve != null && oid != null) {
                    byParameters.merge(parametersOf(curve), oid, (a, b) -> a.getId().compareTo(b.getId()) <= 0 ? a : b);
                    try {
                        byte[] written = new X9ECParameters(curve.getCurve(), new X9ECPoint(curve.getG(), false),
                                curve.getN(), curve.getH(), curve.getSeed()).getEncoded(ASN1Encoding.DER);
                        maxEncodedLength = Math.max(maxEncodedLength, written.length);
                        namedFieldsEquationsAndOrders.add(fieldEquationAndOrder(ASN1Sequence.getInstance(written)));
                    } catch (IOException unencodable) {
                        throw new IllegalStateException(unencodable);
                    }
                }
            }
            for (Enumeration<?> names = ECNamedCurveTable.getNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                X9ECParameters curve = ECNamedCurveTable.getByName(name);
                ASN1ObjectIdentifier oid = ECNamedCurveTable.getOID(name);
                if (curve != null && oid != null) {
                    canonical.put(oid, byParameters.get(parametersOf(curve)));
                }
            }
        }

        /**
         * Whether written-out parameters name a known curve's field, equation and order, read from the ASN.1 alone:
         * only then is the base point decoded. Decoding it multiplies it by the order whenever the cofactor is not 1,
         * and a sender's curve (an order of a million bits, or a big cofactor on a field of 1,000 bits) cost
         * milliseconds to seconds for each of the many keys one mail can carry.
         */
        boolean couldBeNamed(ASN1Sequence parameters) {
            try {
                if (parameters.getEncoded(ASN1Encoding.DER).length > maxEncodedLength + 16) {
                    return false;
                }
            } catch (IOException unencodable) {
                return false;
            }
            List<Object> curve = fieldEquationAndOrder(parameters);
            return curve != null && namedFieldsEquationsAndOrders.contains(curve);
        }

        /**
         * ECParameters (version, fieldID, curve, base, order, cofactor): the field as written, a, b, the order and the
         * cofactor, which must be written (a wrong or missing one made decoding the base point take the slow road).
         */
        static List<Object> fieldEquationAndOrder(ASN1Sequence parameters) {
            try {
                if (parameters.size() != 6 || !(parameters.getObjectAt(4) instanceof ASN1Integer order)
                        || !(parameters.getObjectAt(5) instanceof ASN1Integer cofactor)) {
                    return null;
                }
                ASN1Sequence equation = ASN1Sequence.getInstance(parameters.getObjectAt(2));
                return List.of(HexFormat.of().formatHex(parameters.getObjectAt(1).toASN1Primitive().getEncoded(ASN1Encoding.DER)),
                        new BigInteger(1, ASN1OctetString.getInstance(equation.getObjectAt(0)).getOctets()),
                        new BigInteger(1, ASN1OctetString.getInstance(equation.getObjectAt(1)).getOctets()), order.getValue(),
                        cofactor.getValue());
            } catch (IOException | RuntimeException unreadable) {
                return null;
            }
        }

        /** What makes a curve the curve: its field and equation, base point and order (not its seed or name). */
        static List<Object> parametersOf(X9ECParameters curve) {
            return List.of(curve.getCurve().getField().getCharacteristic(), curve.getCurve().getA().toBigInteger(),
                    curve.getCurve().getB().toBigInteger(), curve.getG().normalize().getAffineXCoord().toBigInteger(),
                    curve.getG().normalize().getAffineYCoord().toBigInteger(), curve.getN());
        }
    }

    private static void addRsa(Set<String> hashes, byte[] rsaPublicKey) throws IOException {
        hashes.add(Fingerprints.sha256Hex(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsaPublicKey).getEncoded(ASN1Encoding.DER)));
        hashes.add(Fingerprints.sha256Hex(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption), rsaPublicKey).getEncoded(ASN1Encoding.DER)));
    }
}
