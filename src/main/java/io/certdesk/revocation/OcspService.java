package io.certdesk.revocation;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.OcspResponder;
import io.certdesk.authority.OcspResponderKey;
import io.certdesk.authority.RevocationReason;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.springframework.stereotype.Service;

/**
 * Answers OCSP requests for every environment's CA, with its delegated responder key.
 * <p>
 * A request for one certificate without a nonce gets the answer signed for an earlier such request again, as
 * long as that answer is less than half its validity old and the certificate's status in the inventory is still
 * the one it states: the status is read for every request (one primary-key read), so a revocation on any node
 * shows at once, and only a changed status, a new responder key or age costs a new signature. Requests with a
 * nonce are signed each time, as RFC 8954 asks. Certificates unknown to the inventory are not kept, so the kept
 * answers never outnumber the certificates issued.
 */
@Service
public class OcspService {

    static final Duration VALIDITY = Duration.ofHours(1);
    static final int MAX_KEPT = 20_000;

    private record Kept(OcspResponder.Status status, OcspResponderKey key, Instant thisUpdate, byte[] der) {
    }

    private final CertificateAuthorities authorities;
    private final CertificateInventory inventory;
    private final OcspResponderKeys keys;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<ByteBuffer, Kept> kept = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Kept> eldest) {
            return size() > MAX_KEPT;
        }
    });

    public OcspService(CertificateAuthorities authorities, CertificateInventory inventory, OcspResponderKeys keys, Clock clock,
                       MeterRegistry metrics) {
        this.authorities = authorities;
        this.inventory = inventory;
        this.keys = keys;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The DER OCSP response to a DER request. */
    public byte[] answer(String environment, byte[] requestDer) {
        OcspResponder.Request request;
        try {
            request = OcspResponder.read(requestDer);
        } catch (OcspResponder.Malformed malformed) {
            metrics.counter("certdesk.ocsp.refused", "code", malformed.refusal().map(Enum::name).orElse("OCSP_UNREADABLE")).increment();
            return OcspResponder.malformed();
        }
        // the CA generation the request asks about: the first CertID names it (issuer name and key hashes); every
        // CA that still publishes revocation status answers for what it signed, the issuing one and retired ones
        CertificateAuthority ca = authorities.serving(environment).stream()
                .filter(candidate -> OcspResponder.issuedBy(request.certificates().get(0), candidate))
                .findFirst().orElse(null);
        if (ca == null) {
            return OcspResponder.unauthorized();
        }
        Instant now = clock.instant();
        Function<BigInteger, OcspResponder.Status> lookup = serial -> status(ca, serial);
        if (request.hasNonce() || request.certificates().size() > 1) {
            return OcspResponder.respond(ca, keys.get(ca), request, lookup, now, VALIDITY);
        }
        CertificateID id = request.certificates().get(0);
        OcspResponder.Status status = lookup.apply(id.getSerialNumber());
        OcspResponderKey key = keys.get(ca);
        ByteBuffer cacheKey = cacheKey(ca.id(), id);
        Kept earlier = kept.get(cacheKey);
        if (earlier != null && earlier.key() == key && earlier.status().equals(status) && !now.isBefore(earlier.thisUpdate())
                && now.isBefore(earlier.thisUpdate().plus(VALIDITY.dividedBy(2)))) {
            return earlier.der();
        }
        byte[] der = OcspResponder.respond(ca, key, request, serial -> status, now, VALIDITY);
        if (status != null) {
            kept.put(cacheKey, new Kept(status, key, now, der));
        }
        return der;
    }

    /** What the inventory says of a serial this CA signed; null when it never signed it. */
    OcspResponder.Status status(CertificateAuthority ca, BigInteger serial) {
        return inventory.state(SerialNumbers.hex(serial))
                .filter(c -> c.environment().equals(ca.environment()) && c.caGeneration() == ca.generation())
                .map(c -> c.status() == IssuedCertificate.Status.REVOKED
                        ? new OcspResponder.Status(true, c.revokedAt(), RevocationReason.parse(c.reason()).code())
                        : OcspResponder.Status.GOOD)
                .orElse(null);
    }

    /** The CA and the request's CertID as sent (hash algorithm, issuer hashes, serial): what the answer echoes. */
    private static ByteBuffer cacheKey(String environment, CertificateID id) {
        try {
            byte[] certId = id.toASN1Primitive().getEncoded();
            byte[] env = environment.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(env.length + 1 + certId.length).put(env).put((byte) 0).put(certId).flip();
        } catch (IOException e) {
            throw new IllegalStateException("unencodable CertID", e);
        }
    }
}
