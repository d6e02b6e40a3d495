package io.certdesk.request;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.Crypto;
import io.certdesk.authority.Fingerprints;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Everything policy and approvers need to know about a CSR, read once: subject fields, key, signature and
 * the extensions it asks for (which certdesk shows but never copies).
 */
public record CsrFacts(
        X500Name subject,
        List<String> commonNames,
        List<String> organizations,
        List<String> organizationalUnits,
        List<String> countries,
        List<String> states,
        List<String> localities,
        String keyAlgorithm,
        int keySize,
        String curve,
        String curveOid,
        String signatureAlgorithm,
        boolean signatureValid,
        List<String> requestedExtensions,
        String publicKeySha256,
        byte[] publicKeyInfo) {

    public static final String RSA = "RSA";
    public static final String EC = "EC";

    /**
     * Parses a CSR (PEM or DER) and reads its facts. A CSR whose outer structure parses but whose inside is
     * damaged (a subject attribute type that is not an OID, say) is as unreadable as one that does not parse.
     */
    public static CsrFacts read(byte[] data) throws CsrFormatException {
        PKCS10CertificationRequest csr = CsrParser.parse(data);
        try {
            return of(csr);
        } catch (StackOverflowError tooDeep) {
            throw new CsrFormatException("The CSR cannot be read: its ASN.1 nests deeper than any CSR does.");
        } catch (RuntimeException damagedInside) {
            String detail = damagedInside.getMessage() == null ? damagedInside.getClass().getSimpleName() : damagedInside.getMessage();
            throw new CsrFormatException("The CSR is damaged and cannot be read (" + (detail.length() > 120
                    ? detail.substring(0, 120) + "..." : detail) + ").");
        }
    }

    public static CsrFacts of(PKCS10CertificationRequest csr) {
        X500Name subject = csr.getSubject();
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        KeyDescription key = describeKey(spki);
        byte[] spkiDer;
        try {
            spkiDer = spki.getEncoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("unencodable public key", e);
        }
        return new CsrFacts(subject,
                values(subject, BCStyle.CN), values(subject, BCStyle.O), values(subject, BCStyle.OU), values(subject, BCStyle.C),
                values(subject, BCStyle.ST), values(subject, BCStyle.L),
                key.algorithm, key.size, key.curve, key.curveOid,
                new DefaultAlgorithmNameFinder().getAlgorithmName(csr.getSignatureAlgorithm()),
                worthVerifying(spki) && signatureValid(csr), requestedExtensions(csr), Fingerprints.sha256Hex(spkiDer), spkiDer);
    }

    /** The CSR's subject as it asks for it (not what would be signed: see {@link CertificateSubject}). */
    public String subjectText() {
        return subject.toString();
    }

    /** The RSA key's public exponent; null for any other key, or one that cannot be read. */
    public BigInteger rsaPublicExponent() {
        if (!RSA.equals(keyAlgorithm)) {
            return null;
        }
        try {
            return RSAPublicKey.getInstance(SubjectPublicKeyInfo.getInstance(publicKeyInfo).parsePublicKey()).getPublicExponent();
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** "EC P-384", "RSA 2048", as approvers and clients read it. */
    public String keyDescription() {
        if (EC.equals(keyAlgorithm)) {
            return "EC " + (curve == null ? "unknown curve" : curveDisplayName(curve)) + (keySize > 0 ? " (" + keySize + " bits)" : "");
        }
        return keyAlgorithm + (keySize > 0 ? " " + keySize : "");
    }

    /**
     * A curve as clients know it: "P-256" for secp256r1, prime256v1 and 1.2.840.10045.3.1.7 alike, "P-384", "P-521";
     * other curves by their SEC name (secp256k1) or OID.
     */
    public static String curveDisplayName(String curve) {
        ASN1ObjectIdentifier oid = curveOid(curve);
        if (oid == null) {
            return curve;
        }
        String nist = NISTNamedCurves.getName(oid);
        if (nist != null) {
            return nist;
        }
        String sec = SECNamedCurves.getName(oid);
        return sec != null ? sec : curve;
    }

    /** The OID of a named curve given by any of its names (secp256r1, prime256v1, P-256) or as an OID; null if unknown. */
    public static ASN1ObjectIdentifier curveOid(String curve) {
        if (curve == null) {
            return null;
        }
        if (curve.matches("[0-2](\\.[0-9]+)+")) {
            return new ASN1ObjectIdentifier(curve);
        }
        return ECNamedCurveTable.getOID(curve);
    }

    public boolean hasSingle(List<String> values) {
        return values.size() == 1;
    }

    private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        List<String> values = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(type)) {
                    // the exact text, compared as it is: nothing stripped or unescaped (a value that is not text
                    // is shown as openssl shows it, #hex, and refused by policy)
                    String text = CertificateSubject.text(atv.getValue());
                    values.add(text != null ? text : IETFUtils.valueToString(atv.getValue()));
                }
            }
        }
        return List.copyOf(values);
    }

    private record KeyDescription(String algorithm, int size, String curve, String curveOid) {
        KeyDescription(String algorithm, int size, String curve) {
            this(algorithm, size, curve, null);
        }
    }

    private static KeyDescription describeKey(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
        try {
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                RSAPublicKey rsa = RSAPublicKey.getInstance(spki.parsePublicKey());
                return new KeyDescription(RSA, rsa.getModulus().bitLength(), null);
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                ASN1Primitive parameters = spki.getAlgorithm().getParameters() == null ? null
                        : spki.getAlgorithm().getParameters().toASN1Primitive();
                if (parameters instanceof ASN1ObjectIdentifier curveOid) {
                    String name = ECNamedCurveTable.getName(curveOid);
                    X9ECParameters params = ECNamedCurveTable.getByOID(curveOid);
                    return new KeyDescription(EC, params == null ? 0 : params.getCurve().getFieldSize(),
                            name == null ? curveOid.getId() : name, curveOid.getId());
                }
                return new KeyDescription(EC, 0, "explicit parameters");
            }
        } catch (IOException | IllegalArgumentException | StackOverflowError e) {
            return new KeyDescription("unreadable key", 0, null);
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            return new KeyDescription("Ed25519", 0, null);
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(algorithm)) {
            return new KeyDescription("Ed448", 0, null);
        }
        String name = new DefaultAlgorithmNameFinder().getAlgorithmName(algorithm);
        return new KeyDescription(name, 0, null);
    }

    /** The largest RSA modulus whose signature is checked at all; larger keys are refused anyway (KEY_TOO_LARGE). */
    static final int MAX_VERIFIED_RSA_BITS = Crypto.MAX_VERIFIED_RSA_BITS;
    /** The largest DSA domain whose signature is checked: FIPS 186's largest, p of 3072 bits and q of 256. */
    static final int MAX_VERIFIED_DSA_P_BITS = 3072;
    static final int MAX_VERIFIED_DSA_Q_BITS = 256;

    /**
     * Whether certdesk checks a signature made with this key at all. Only keys whose check costs what a real key's
     * costs: RSA up to {@value #MAX_VERIFIED_RSA_BITS} bits with an odd exponent from 3 to 2^32 (also as an RSASSA-PSS key), EC
     * on a named curve (the curve's own parameters, never the CSR's), Ed25519 and Ed448, DSA up to FIPS 186's largest
     * domain. A CSR chooses its key's numbers: a DSA domain or explicit curve of thousands of bits costs minutes of CPU
     * before the signature is even looked at (BouncyCastle checks y^q mod p, or multiplies the base point by the order).
     * Any other key's signature counts as not verified, and the policy refuses the key.
     */
    static boolean worthVerifying(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
        try {
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm) || PKCSObjectIdentifiers.id_RSASSA_PSS.equals(algorithm)) {
                RSAPublicKey rsa = RSAPublicKey.getInstance(spki.parsePublicKey());
                return Crypto.rsaSignaturesCheckable(rsa.getModulus(), rsa.getPublicExponent());
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                ASN1Encodable parameters = spki.getAlgorithm().getParameters();
                return parameters != null && parameters.toASN1Primitive() instanceof ASN1ObjectIdentifier curve
                        && ECNamedCurveTable.getByOID(curve) != null;
            }
            if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm) || EdECObjectIdentifiers.id_Ed448.equals(algorithm)) {
                return true;
            }
            if (X9ObjectIdentifiers.id_dsa.equals(algorithm)) {
                ASN1Encodable parameters = spki.getAlgorithm().getParameters();
                if (parameters == null) {
                    return false;
                }
                DSAParameter domain = DSAParameter.getInstance(parameters);
                return domain.getP().bitLength() <= MAX_VERIFIED_DSA_P_BITS && domain.getQ().bitLength() <= MAX_VERIFIED_DSA_Q_BITS;
            }
            return false;
        } catch (Exception | StackOverflowError unreadable) {
            return false;
        }
    }

    /** Whether certdesk checks the signature of a CSR with this key at all (see {@link #worthVerifying}). */
    public boolean signatureCheckable() {
        return worthVerifying(SubjectPublicKeyInfo.getInstance(publicKeyInfo));
    }

    /** A CSR's proof of possession, as a request over EST is answered before anything is looked up. */
    public enum ProofOfPossession {
        /** The signature verifies with the CSR's key. */
        PROVEN,
        /** The signature does not verify with it. */
        FAILED,
        /** A key certdesk checks no signature with: nothing about it may be looked up or told. */
        NOT_CHECKED
    }

    public static ProofOfPossession proofOfPossession(PKCS10CertificationRequest csr) {
        if (!worthVerifying(csr.getSubjectPublicKeyInfo())) {
            return ProofOfPossession.NOT_CHECKED;
        }
        return signatureValid(csr) ? ProofOfPossession.PROVEN : ProofOfPossession.FAILED;
    }

    /**
     * The SHA-256 of CSRs (their whole DER, signature included) whose signature this JVM found valid, the most recent
     * {@value #REMEMBERED_VALID} of them: an EST request proves possession before anything is looked up, and the
     * request's validation reads the same CSR again moments later. Only a valid signature is remembered, and only for
     * exactly the bytes that were verified.
     */
    private static final Map<String, Boolean> FOUND_VALID = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_VALID;
        }
    });
    static final int REMEMBERED_VALID = 1024;

    private static boolean signatureValid(PKCS10CertificationRequest csr) {
        String der;
        try {
            der = Fingerprints.sha256Hex(csr.getEncoded());
        } catch (IOException unencodable) {
            return false;
        }
        if (FOUND_VALID.containsKey(der)) {
            return true;
        }
        boolean valid = verify(csr);
        if (valid) {
            FOUND_VALID.put(der, Boolean.TRUE);
        }
        return valid;
    }

    private static boolean verify(PKCS10CertificationRequest csr) {
        try {
            if (!Crypto.signatureParametersBounded(csr.getSignatureAlgorithm())) {
                return false;
            }
            // an EC key through BouncyCastle's own API shares the named curve's precomputed generator multiples
            // across requests (twice as fast as through the JCA, which rebuilds them for every key); other keys go to
            // the JDK's providers, which read an RSA key without BouncyCastle's primality tests of the modulus (a prime
            // 8192-bit "modulus" cost half a second a CSR)
            SubjectPublicKeyInfo key = csr.getSubjectPublicKeyInfo();
            return csr.isSignatureValid(X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm())
                    ? new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(PublicKeyFactory.createKey(key))
                    : new JcaContentVerifierProviderBuilder().build(key));
        } catch (Exception | StackOverflowError unverifiable) {
            return false;
        }
    }

    private static List<String> requestedExtensions(PKCS10CertificationRequest csr) {
        List<String> names = new ArrayList<>();
        Extensions extensions;
        try {
            extensions = csr.getRequestedExtensions();
        } catch (RuntimeException | StackOverflowError unreadable) {
            return List.of("unreadable extension request");
        }
        if (extensions == null) {
            return List.of();
        }
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
            names.add(extensionName(oid));
        }
        return List.copyOf(names);
    }

    private static String extensionName(ASN1ObjectIdentifier oid) {
        if (Extension.basicConstraints.equals(oid)) return "basicConstraints";
        if (Extension.keyUsage.equals(oid)) return "keyUsage";
        if (Extension.extendedKeyUsage.equals(oid)) return "extendedKeyUsage";
        if (Extension.subjectAlternativeName.equals(oid)) return "subjectAltName";
        if (Extension.subjectKeyIdentifier.equals(oid)) return "subjectKeyIdentifier";
        if (Extension.nameConstraints.equals(oid)) return "nameConstraints";
        return oid.getId();
    }
}
