package io.certdesk.authority;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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

/** An RFC 6960 OCSP responder for one CA, signing its answers with the CA key. */
public final class OcspResponder {

    /** What the inventory knows of a serial: null for unknown. */
    public record Status(boolean revoked, Instant revokedAt, int reasonCode) {
        public static final Status GOOD = new Status(false, null, 0);
    }

    private OcspResponder() {
    }

    public static byte[] respond(CertificateAuthority ca, byte[] requestDer, Function<BigInteger, Status> lookup,
                                 Instant now, Duration validity) {
        try {
            OCSPReq request;
            Req[] singles;
            Extension nonce;
            try {
                request = new OCSPReq(requestDer);
                singles = request.getRequestList();
                nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            } catch (IOException | RuntimeException malformed) {
                return new OCSPRespBuilder().build(OCSPRespBuilder.MALFORMED_REQUEST, null).getEncoded();
            }
            X509CertificateHolder issuer = new JcaX509CertificateHolder(ca.certificate());
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().setProvider(Crypto.provider()).build();
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(issuer.getSubjectPublicKeyInfo(),
                    digests.get(CertificateID.HASH_SHA1)));
            Date thisUpdate = Date.from(now);
            Date nextUpdate = Date.from(now.plus(validity));
            for (Req single : singles) {
                CertificateID id = single.getCertID();
                CertificateStatus status;
                if (!issuedBy(id, issuer, digests)) {
                    status = new UnknownStatus();
                } else {
                    Status known = lookup.apply(id.getSerialNumber());
                    if (known == null) {
                        status = new UnknownStatus();
                    } else if (known.revoked()) {
                        status = new RevokedStatus(Date.from(known.revokedAt()), known.reasonCode());
                    } else {
                        status = CertificateStatus.GOOD;
                    }
                }
                builder.addResponse(id, status, thisUpdate, nextUpdate);
            }
            if (nonce != null) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                    builder.build(ca.newSigner(), new X509CertificateHolder[]{issuer}, thisUpdate)).getEncoded();
        } catch (OCSPException | IOException | OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot answer OCSP for " + ca.environment(), e);
        }
    }

    /** Whether a request names this issuer; a hash algorithm certdesk does not know means it cannot, so: unknown. */
    private static boolean issuedBy(CertificateID id, X509CertificateHolder issuer, DigestCalculatorProvider digests) {
        try {
            return id.matchesIssuer(issuer, digests);
        } catch (OCSPException | RuntimeException unknownHash) {
            return false;
        }
    }
}
