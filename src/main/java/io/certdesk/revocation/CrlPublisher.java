package io.certdesk.revocation;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CrlBuilder;
import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.CertificateInventory;
import org.springframework.stereotype.Service;

/**
 * Each environment's current CRL. A CRL is rebuilt when a certificate was revoked since it was signed, or when
 * it comes within a quarter of its lifetime of nextUpdate; otherwise the signed bytes are served again.
 * <p>
 * The CRL number comes from the database ({@link PublishedCrls}), not from a clock: a node whose clock is
 * behind, or was stepped back, still publishes a higher number for a newer CRL. Every node serves the CRL
 * stored last, keeping a copy only while the stored number is the one it holds, so no node serves a lower number
 * than another node already served.
 */
@Service
public class CrlPublisher {

    static final Duration LIFETIME = Duration.ofDays(1);

    private final CertificateAuthorities authorities;
    private final CertificateInventory inventory;
    private final PublishedCrls published;
    private final Clock clock;
    private final Map<String, PublishedCrls.Stored> copies = new ConcurrentHashMap<>();

    public CrlPublisher(CertificateAuthorities authorities, CertificateInventory inventory, PublishedCrls published, Clock clock) {
        this.authorities = authorities;
        this.inventory = inventory;
        this.published = published;
        this.clock = clock;
    }

    public byte[] crl(String environment) {
        CertificateAuthority ca = authorities.get(environment);
        long version = inventory.revocationVersion(environment);
        Instant now = clock.instant();
        PublishedCrls.Head head = published.head(environment).orElse(null);
        if (head != null && head.signed() && current(head, version, now)) {
            PublishedCrls.Stored copy = copies.get(environment);
            if (copy != null && copy.number() == head.number()) {
                return copy.der();
            }
            PublishedCrls.Stored stored = published.load(environment).orElse(null);
            if (stored != null && stored.number() >= head.number()) {
                copies.put(environment, stored);
                return stored.der();
            }
        }
        PublishedCrls.Stored stored = published.publish(environment, now,
                locked -> current(locked, inventory.revocationVersion(environment), now),
                number -> sign(ca, number, now));
        copies.put(environment, stored);
        return stored.der();
    }

    private static boolean current(PublishedCrls.Head head, long revocationVersion, Instant now) {
        return head.revocationVersion() == revocationVersion && !now.isAfter(head.nextUpdate().minus(LIFETIME.dividedBy(4)));
    }

    private PublishedCrls.Stored sign(CertificateAuthority ca, long number, Instant now) {
        List<CrlBuilder.Entry> entries = inventory.revoked(ca.environment()).stream()
                .map(r -> new CrlBuilder.Entry(new BigInteger(r.serial(), 16), r.revokedAt(), RevocationReason.parse(r.reason()).code()))
                .toList();
        byte[] der = CrlBuilder.build(ca, entries, now, LIFETIME, BigInteger.valueOf(number));
        return new PublishedCrls.Stored(number, entries.size(), now.plus(LIFETIME), der);
    }
}
