package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An RFC 6960 OCSP responder for one CA. Answers are signed by the CA's delegated responder key
 * ({@link OcspResponderKey}) and carry its certificate, so a client verifies them with the CA certificate alone.
 */
public final class OcspResponder {

    /** What the inventory knows of a serial: null for unknown. */
    public record Status(boolean revoked, Instant revokedAt, int reasonCode) {
        public static final Status GOOD = new Status(false, null, 0);
    }

    /** A request within {@link OcspRequestLimits}: the certificates it names and its nonce, if any. */
    public record Request(List<CertificateID> certificates, Extension nonce) {
        public boolean hasNonce() {
            return nonce != null;
        }
    }

    /** A request that cannot be answered; {@code refusal} is empty when it could not even be read. */
    public static final class Malformed extends Exception {
        private final transient Optional<OcspRequestLimits.Refusal> refusal;

        Malformed(Optional<OcspRequestLimits.Refusal> refusal) {
            super(refusal.map(Enum::name).orElse("unreadable OCSP request"), null, false, false);
            this.refusal = refusal;
        }

        public Optional<OcspRequestLimits.Refusal> refusal() {
            return refusal;
        }
    }

    private static final DigestCalculatorProvider DIGESTS;

    static {
        try {
            DIGESTS = new JcaDigestCalculatorProviderBuilder().setProvider(Crypto.provider()).build();
        } catch (OperatorCreationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OcspResponder() {
    }

    /** Reads a DER request and checks it against {@link OcspRequestLimits}. */
    public static Request read(byte[] requestDer) throws Malformed {
        OCSPReq request;
        try {
            if (requestDer == null || requestDer.length == 0 || requestDer.length > OcspRequestLimits.MAX_REQUEST_BYTES) {
                throw new Malformed(requestDer == null || requestDer.length == 0 ? Optional.empty()
                        : Optional.of(OcspRequestLimits.Refusal.OCSP_REQUEST_TOO_LARGE));
            }
            if (!Asn1Nesting.within(requestDer, Asn1Nesting.MAX_DEPTH)) {
                throw new Malformed(Optional.empty());
            }
            request = new OCSPReq(requestDer);
            Optional<OcspRequestLimits.Refusal> refusal = OcspRequestLimits.check(request);
            if (refusal.isPresent()) {
                throw new Malformed(refusal);
            }
            Req[] singles = request.getRequestList();
            List<CertificateID> ids = new ArrayList<>(singles.length);
            for (Req single : singles) {
                ids.add(single.getCertID());
            }
            return new Request(List.copyOf(ids), request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce));
        } catch (IOException | RuntimeException | StackOverflowError unreadable) {
            throw new Malformed(Optional.empty());
        }
    }

    /** Whether a request names this CA as the issuer of a certificate (a hash algorithm certdesk does not know: no). */
    public static boolean issuedBy(CertificateID id, CertificateAuthority ca) {
        try {
            return id.matchesIssuer(new JcaX509CertificateHolder(ca.certificate()), DIGESTS);
        } catch (OCSPException | CertificateEncodingException | RuntimeException unknownHash) {
            return false;
        }
    }

    /** The unsigned malformedRequest answer. */
    public static byte[] malformed() {
        return unsigned(OCSPRespBuilder.MALFORMED_REQUEST);
    }

    /** The unsigned unauthorized answer, for a request naming no certificate of this CA (RFC 5019 2.2.3). */
    public static byte[] unauthorized() {
        return unsigned(OCSPRespBuilder.UNAUTHORIZED);
    }

    /**
     * A signed answer: for each certificate of the request, its status from {@code lookup} (unknown when the
     * request names another issuer), valid from {@code now} for {@code validity} but not beyond the responder
     * certificate; the nonce echoed.
     */
    public static byte[] respond(CertificateAuthority ca, OcspResponderKey responder, Request request,
                                 Function<BigInteger, Status> lookup, Instant now, Duration validity) {
        try {
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(
                    responder.certificateHolder().getSubjectPublicKeyInfo(), DIGESTS.get(CertificateID.HASH_SHA1)));
            Date thisUpdate = Date.from(now);
            Instant until = now.plus(validity);
            Date nextUpdate = Date.from(until.isAfter(responder.notAfter()) ? responder.notAfter() : until);
            for (CertificateID id : request.certificates()) {
                CertificateStatus status;
                Status known = issuedBy(id, ca) ? lookup.apply(id.getSerialNumber()) : null;
                if (known == null) {
                    status = new UnknownStatus();
                } else if (known.revoked()) {
                    status = new RevokedStatus(Date.from(known.revokedAt()), known.reasonCode());
                } else {
                    status = CertificateStatus.GOOD;
                }
                builder.addResponse(id, status, thisUpdate, nextUpdate);
            }
            if (request.nonce() != null) {
                builder.setResponseExtensions(new Extensions(request.nonce()));
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, builder.build(responder.newSigner(),
                    new X509CertificateHolder[]{responder.certificateHolder()}, thisUpdate)).getEncoded();
        } catch (OCSPException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot answer OCSP for " + ca.environment(), e);
        }
    }

    private static byte[] unsigned(int status) {
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot encode an OCSP status", e);
        }
    }
}
