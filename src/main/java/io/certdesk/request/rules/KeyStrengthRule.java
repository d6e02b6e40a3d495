package io.certdesk.request.rules;

import java.math.BigInteger;
import java.util.List;

import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.PolicySettings;
import io.certdesk.request.RequestClaims;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Key algorithm and size: RSA within the configured bounds and with the public exponent 65537, EC only on the allowed
 * named curves (compared by OID). One exponent means one key per modulus: a key whose private key is known cannot come
 * back with a different exponent as a key certdesk has never seen, and an exponent of 1 cannot fake a CSR's signature.
 */
public final class KeyStrengthRule implements RequestRule {

    private static final BigInteger RSA_EXPONENT = BigInteger.valueOf(65537);
    private static final String KEY_ENCODING_INVALID = "KEY_ENCODING_INVALID";

    @Override
    public void check(CsrFacts csr, RequestClaims claims, PolicySettings settings, List<PolicyFinding> findings) {
        String allowed = "Accepted keys: RSA " + settings.rsaMinBits() + " to " + settings.rsaMaxBits() + " bits, or EC on "
                + String.join(", ", settings.allowedCurves().stream().map(CsrFacts::curveDisplayName).distinct().toList()) + ".";
        switch (csr.keyAlgorithm()) {
            case CsrFacts.RSA -> {
                if (csr.keySize() < settings.rsaMinBits()) {
                    findings.add(PolicyFinding.error("KEY_TOO_SMALL", "The CSR's RSA key has " + csr.keySize()
                            + " bits; at least " + settings.rsaMinBits() + " are required. " + allowed,
                            "Make a new key (openssl genrsa -out client.key " + settings.rsaMinBits() + ") and a new CSR from it."));
                } else if (csr.keySize() > settings.rsaMaxBits()) {
                    findings.add(PolicyFinding.error("KEY_TOO_LARGE", "The CSR's RSA key has " + csr.keySize()
                            + " bits; at most " + settings.rsaMaxBits() + " are accepted. " + allowed,
                            "Make a new key (openssl genrsa -out client.key 4096) and a new CSR from it."));
                }
                if (!PublicKeyHashes.isCanonical(SubjectPublicKeyInfo.getInstance(csr.publicKeyInfo()))) {
                    findings.add(PolicyFinding.error(KEY_ENCODING_INVALID, "The CSR's RSA public key is not written as key tools "
                            + "write it (DER, its parameters NULL): a length with leading zeros, say.", NEW_KEY_AND_CSR));
                }
                BigInteger exponent = csr.rsaPublicExponent();
                if (exponent != null && !RSA_EXPONENT.equals(exponent)) {
                    findings.add(PolicyFinding.error("KEY_EXPONENT_NOT_ALLOWED", "The CSR's RSA key has the public exponent "
                            + (exponent.bitLength() > 64 ? "of " + exponent.bitLength() + " bits" : exponent.toString())
                            + "; certdesk accepts only 65537, the exponent every current key tool uses. " + allowed,
                            "Make a new key with the default exponent (openssl genrsa -out client.key "
                                    + settings.rsaMinBits() + ") and a new CSR from it."));
                }
            }
            case CsrFacts.EC -> {
                if (!settings.allowsCurve(csr.curveOid())) {
                    findings.add(PolicyFinding.error("KEY_CURVE_NOT_ALLOWED", "The CSR's EC key is on "
                            + (csr.curve() == null ? "an unknown curve" : CsrFacts.curveDisplayName(csr.curve()))
                            + ", which is not accepted. " + allowed, NEW_KEY_AND_CSR));
                } else if (!PublicKeyHashes.isCanonical(SubjectPublicKeyInfo.getInstance(csr.publicKeyInfo()))) {
                    findings.add(PolicyFinding.error(KEY_ENCODING_INVALID, "The CSR's EC public key is not written as key tools "
                            + "write it (its point compressed or uncompressed, not hybrid).", NEW_KEY_AND_CSR));
                }
            }
            default -> findings.add(PolicyFinding.error("KEY_ALGORITHM_NOT_ALLOWED",
                    "The CSR's key is " + csr.keyAlgorithm() + ", which is not accepted. " + allowed, NEW_KEY_AND_CSR));
        }
    }
}
