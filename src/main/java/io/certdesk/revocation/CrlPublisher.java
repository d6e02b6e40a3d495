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

    /** The current CRL of the environment's issuing CA. */
    public byte[] crl(String environment) {
        return crl(authorities.get(environment));
    }

    /**
     * The current CRL of one CA generation, listing the revoked certificates that generation signed. Stored and
     * numbered under the CA's id ({@link CertificateAuthority#id()}), so each generation has its own CRL numbers.
     */
    public byte[] crl(CertificateAuthority ca) {
        String key = ca.id();
        String environment = ca.environment();
        long version = inventory.revocationVersion(environment);
        Instant now = clock.instant();
        PublishedCrls.Head head = published.head(key).orElse(null);
        if (head != null && head.signed() && current(head, version, now)) {
            PublishedCrls.Stored copy = copies.get(key);
            if (copy != null && copy.number() == head.number()) {
                return copy.der();
            }
            PublishedCrls.Stored stored = published.load(key).orElse(null);
            if (stored != null && stored.number() >= head.number()) {
                copies.put(key, stored);
                return stored.der();
            }
        }
        PublishedCrls.Stored stored = published.publish(key, now,
                locked -> current(locked, inventory.revocationVersion(environment), now),
                number -> sign(ca, number, now));
        copies.put(key, stored);
        return stored.der();
    }

    private static boolean current(PublishedCrls.Head head, long revocationVersion, Instant now) {
        return head.revocationVersion() == revocationVersion && !now.isAfter(head.nextUpdate().minus(LIFETIME.dividedBy(4)));
    }

    private PublishedCrls.Stored sign(CertificateAuthority ca, long number, Instant now) {
        // the version is read before the entries: a revocation in between makes this CRL stale at once, never hidden
        long version = inventory.revocationVersion(ca.environment());
        List<CrlBuilder.Entry> entries = inventory.revoked(ca.environment(), ca.generation()).stream()
                .map(r -> new CrlBuilder.Entry(new BigInteger(r.serial(), 16), r.revokedAt(), RevocationReason.parse(r.reason()).code()))
                .toList();
        byte[] der = CrlBuilder.build(ca, entries, now, LIFETIME, BigInteger.valueOf(number));
        return new PublishedCrls.Stored(number, version, now.plus(LIFETIME), der);
    }
}
