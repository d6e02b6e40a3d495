package io.certdesk.trust;

import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * An environment's trust: its own CA plus every approved partner CA. Decides which client certificates the
 * mTLS test endpoint accepts: a path to a trusted CA, within validity, and not revoked by certdesk.
 */
@Service
public class TrustService {

    private static final Logger log = LoggerFactory.getLogger(TrustService.class);

    private final CertificateAuthorities authorities;
    private final PartnerCas partners;
    private final CertificateInventory inventory;
    private final MeterRegistry metrics;
    private final Clock clock;

    public TrustService(CertificateAuthorities authorities, PartnerCas partners, CertificateInventory inventory,
                        MeterRegistry metrics, Clock clock) {
        this.authorities = authorities;
        this.partners = partners;
        this.inventory = inventory;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The environment's CA first, then its approved partner CAs. */
    public List<X509Certificate> bundle(String environment) {
        List<X509Certificate> bundle = new ArrayList<>();
        bundle.add(authorities.get(environment).certificate());
        partners.forEnvironment(environment).forEach(p -> bundle.add(p.certificate()));
        return bundle;
    }

    /** The mTLS endpoint's decision for one environment. */
    public ClientTrust clientTrust(String environment) {
        return new ClientTrust() {
            @Override
            public void check(X509Certificate[] chain) throws CertificateException {
                String reason = reasonToRefuse(environment, chain);
                if (reason != null) {
                    X509Certificate leaf = chain == null || chain.length == 0 ? null : chain[0];
                    log.warn("ClientCertUntrusted: {} (subject \"{}\", serial {})", reason,
                            leaf == null ? "-" : leaf.getSubjectX500Principal().getName(),
                            leaf == null ? "-" : SerialNumbers.hex(leaf.getSerialNumber()));
                    metrics.counter("certdesk.mtls.rejected").increment();
                    throw new CertificateException("ClientCertUntrusted: " + reason);
                }
            }

            @Override
            public X509Certificate[] acceptedIssuers() {
                return bundle(environment).toArray(X509Certificate[]::new);
            }
        };
    }

    /** Why the chain would be refused, or null when it is trusted. */
    public String reasonToRefuse(String environment, X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "no client certificate presented";
        }
        X509Certificate leaf = chain[0];
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (java.security.cert.CertificateExpiredException e) {
            return "the certificate expired on " + leaf.getNotAfter().toInstant();
        } catch (java.security.cert.CertificateNotYetValidException e) {
            return "the certificate is not valid before " + leaf.getNotBefore().toInstant();
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : bundle(environment)) {
            anchors.add(new TrustAnchor(ca, null));
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(Arrays.asList(chain))));
            CertPathBuilder.getInstance("PKIX").build(parameters);
        } catch (CertPathBuilderException e) {
            return "no valid path to a CA trusted for " + environment + " (" + e.getMessage() + ")";
        } catch (java.security.GeneralSecurityException e) {
            return "the chain cannot be checked: " + e.getMessage();
        }
        if (leaf.getIssuerX500Principal().equals(authorities.get(environment).certificate().getSubjectX500Principal())) {
            IssuedCertificate issued = inventory.findBySerial(SerialNumbers.hex(leaf.getSerialNumber())).orElse(null);
            if (issued == null) {
                return "certdesk has no record of serial " + SerialNumbers.hex(leaf.getSerialNumber());
            }
            if (issued.status() == IssuedCertificate.Status.REVOKED) {
                return "the certificate was revoked";
            }
        }
        return null;
    }
}
