package io.certdesk.authority;

import java.util.Optional;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.ocsp.OCSPReq;

/**
 * What an OCSP request may ask of certdesk, so an anonymous request costs bounded work: at most
 * {@value #MAX_REQUEST_BYTES} bytes, one to {@value #MAX_CERTIFICATES} certificates, and a nonce of one to
 * {@value #MAX_NONCE_BYTES} bytes (RFC 8954). A request outside these limits is answered malformedRequest
 * (a body too large: HTTP 413), unsigned.
 */
public final class OcspRequestLimits {

    public static final int MAX_REQUEST_BYTES = 16 * 1024;
    public static final int MAX_CERTIFICATES = 10;
    public static final int MAX_NONCE_BYTES = 32;

    /** Why a request is refused: a stable code and what the client does about it. */
    public enum Refusal {
        OCSP_REQUEST_TOO_LARGE("Send at most " + MAX_REQUEST_BYTES + " bytes; a request for one certificate is about 100."),
        OCSP_NO_CERTIFICATE("Name at least one certificate (openssl ocsp -issuer ca.pem -cert client-cert.pem)."),
        OCSP_TOO_MANY_CERTIFICATES("Ask about at most " + MAX_CERTIFICATES + " certificates per request."),
        OCSP_NONCE_EMPTY("Send a nonce of 1 to " + MAX_NONCE_BYTES + " bytes, or none (openssl ocsp -no_nonce)."),
        OCSP_NONCE_TOO_LONG("Send a nonce of at most " + MAX_NONCE_BYTES + " bytes (RFC 8954); openssl's default of 16 is fine.");

        private final String fix;

        Refusal(String fix) {
            this.fix = fix;
        }

        public String fix() {
            return fix;
        }
    }

    private OcspRequestLimits() {
    }

    public static Optional<Refusal> check(OCSPReq request) {
        int certificates = request.getRequestList().length;
        if (certificates == 0) {
            return Optional.of(Refusal.OCSP_NO_CERTIFICATE);
        }
        if (certificates > MAX_CERTIFICATES) {
            return Optional.of(Refusal.OCSP_TOO_MANY_CERTIFICATES);
        }
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce != null) {
            int length = nonceLength(nonce);
            if (length == 0) {
                return Optional.of(Refusal.OCSP_NONCE_EMPTY);
            }
            if (length > MAX_NONCE_BYTES) {
                return Optional.of(Refusal.OCSP_NONCE_TOO_LONG);
            }
        }
        return Optional.empty();
    }

    /** The nonce's length: the OCTET STRING RFC 8954 asks for, or the raw value older clients send. */
    static int nonceLength(Extension nonce) {
        byte[] value = nonce.getExtnValue().getOctets();
        try {
            return ASN1OctetString.getInstance(value).getOctets().length;
        } catch (RuntimeException notAnOctetString) {
            return value.length;
        }
    }
}
