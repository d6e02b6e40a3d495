package io.certdesk.revocation;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CrlBuilder;
import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.CertificateInventory;
import org.springframework.stereotype.Service;

/**
 * Each environment's current CRL. A CRL is rebuilt when a certificate was revoked since it was signed, or when
 * it comes within a quarter of its lifetime of nextUpdate; otherwise the signed bytes are served again. CRL
 * numbers are the signing time in milliseconds, so they only grow, also across nodes and restarts.
 */
@Service
public class CrlPublisher {

    static final Duration LIFETIME = Duration.ofDays(1);

    private record Published(byte[] der, long version, Instant nextUpdate) {
    }

    private final CertificateAuthorities authorities;
    private final CertificateInventory inventory;
    private final Clock clock;
    private final Map<String, Published> current = new ConcurrentHashMap<>();

    public CrlPublisher(CertificateAuthorities authorities, CertificateInventory inventory, Clock clock) {
        this.authorities = authorities;
        this.inventory = inventory;
        this.clock = clock;
    }

    public byte[] crl(String environment) {
        authorities.get(environment);
        long version = inventory.revocationVersion(environment);
        Instant now = clock.instant();
        Published published = current.get(environment);
        if (published == null || published.version() != version
                || now.isAfter(published.nextUpdate().minus(LIFETIME.dividedBy(4)))) {
            published = build(environment, version, now);
            current.put(environment, published);
        }
        return published.der();
    }

    private Published build(String environment, long version, Instant now) {
        List<CrlBuilder.Entry> entries = inventory.revoked(environment).stream()
                .map(r -> new CrlBuilder.Entry(new BigInteger(r.serial(), 16), r.revokedAt(), RevocationReason.parse(r.reason()).code()))
                .toList();
        byte[] der = CrlBuilder.build(authorities.get(environment), entries, now, LIFETIME, BigInteger.valueOf(now.toEpochMilli()));
        return new Published(der, version, now.plus(LIFETIME));
    }
}
