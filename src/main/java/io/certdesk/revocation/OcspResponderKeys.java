package io.certdesk.revocation;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.OcspResponderKey;
import io.certdesk.authority.Pem;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * This node's OCSP responder key per environment, made when the first OCSP request for it arrives. The key lives
 * in this node's memory only; its certificate is recorded in the inventory, so the CA's issued certificates are
 * all listed there. A new key and certificate replace the old one when half its validity is left, or at once
 * when an administrator revoked it.
 */
@Component
public class OcspResponderKeys {

    static final Duration VALIDITY = Duration.ofDays(4);
    static final Duration RENEW_BEFORE = VALIDITY.dividedBy(2);
    static final Duration STATUS_CHECK_INTERVAL = Duration.ofMinutes(1);
    /** The inventory's organization for responder certificates; no client's organization id can look like it. */
    static final String ORGANIZATION = "certdesk/ocsp";

    private static final Logger log = LoggerFactory.getLogger(OcspResponderKeys.class);

    private record Held(OcspResponderKey key, String serial, Instant statusCheckedAt) {
    }

    private final CertificateAuthorities authorities;
    private final CertificateInventory inventory;
    private final Clock clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public OcspResponderKeys(CertificateAuthorities authorities, CertificateInventory inventory, Clock clock) {
        this.authorities = authorities;
        this.inventory = inventory;
        this.clock = clock;
    }

    /** The responder key of the environment's issuing CA. */
    public OcspResponderKey get(String environment) {
        return get(authorities.get(environment));
    }

    /** The responder key that answers for one CA generation, issued by that CA. */
    public OcspResponderKey get(CertificateAuthority ca) {
        String environment = ca.id();
        Instant now = clock.instant();
        Held current = held.get(environment);
        if (current != null && !due(current, now)) {
            return current.key();
        }
        synchronized (this) {
            current = held.get(environment);
            if (current == null || due(current, now)) {
                current = renewed(ca, current, now);
                held.put(environment, current);
            }
            return current.key();
        }
    }

    private static boolean due(Held current, Instant now) {
        return now.isAfter(current.key().notAfter().minus(RENEW_BEFORE))
                || now.isBefore(current.key().certificate().getNotBefore().toInstant())
                || now.isAfter(current.statusCheckedAt().plus(STATUS_CHECK_INTERVAL));
    }

    /** The held key after a check: the same when still fine and still active in the inventory, else a new one. */
    private Held renewed(CertificateAuthority ca, Held current, Instant now) {
        String environment = ca.id();
        if (current != null && !now.isAfter(current.key().notAfter().minus(RENEW_BEFORE))
                && !now.isBefore(current.key().certificate().getNotBefore().toInstant())) {
            boolean active = inventory.findBySerial(current.serial())
                    .map(c -> c.status() == IssuedCertificate.Status.ACTIVE).orElse(false);
            if (active) {
                return new Held(current.key(), current.serial(), now);
            }
            log.warn("OCSP responder certificate {} of '{}' is no longer active; making a new one", current.serial(), environment);
        }
        BigInteger serial = SerialNumbers.next();
        OcspResponderKey key = OcspResponderKey.issue(ca, serial, now, VALIDITY);
        String hex = SerialNumbers.hex(serial);
        inventory.recordOcspResponder(new IssuedCertificate(hex, ca.environment(), "OCSP-" + hex.substring(0, 15), ORGANIZATION,
                key.certificate().getSubjectX500Principal().getName(), publicKeySha256(key),
                key.certificate().getNotBefore().toInstant(), key.notAfter(), IssuedCertificate.Status.ACTIVE,
                Pem.encode(key.certificate()), now, null, null), ca.generation());
        inventory.expireOcspResponders(now);
        log.info("OCSP responder certificate {} of '{}' issued, valid until {}", hex, environment, key.notAfter());
        return new Held(key, hex, now);
    }

    private static String publicKeySha256(OcspResponderKey key) {
        try {
            return Fingerprints.sha256Hex(key.certificateHolder().getSubjectPublicKeyInfo().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("unencodable public key", e);
        }
    }
}
