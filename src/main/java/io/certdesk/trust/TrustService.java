package io.certdesk.trust;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
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
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.request.Quoted;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * An environment's trust: its own CA plus the partner CAs approved per organization. Decides which client
 * certificates the mTLS test endpoint accepts (see {@link #reasonToRefuse}). The trust bundle still lists every
 * approved partner CA, for gateways; a gateway must bind each partner CA to its organization itself.
 */
@Service
public class TrustService {

    private static final Logger log = LoggerFactory.getLogger(TrustService.class);

    private final CertificateAuthorities authorities;
    private final PartnerCas partners;
    private final ClientCertificateBlocks blocks;
    private final CertificateInventory inventory;
    private final MeterRegistry metrics;
    private final Clock clock;

    public TrustService(CertificateAuthorities authorities, PartnerCas partners, ClientCertificateBlocks blocks,
                        CertificateInventory inventory, MeterRegistry metrics, Clock clock) {
        this.authorities = authorities;
        this.partners = partners;
        this.blocks = blocks;
        this.inventory = inventory;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The environment's issuing CA first, then an older CA during its rollover overlap, then the approved partner
     * CAs.
     */
    public List<X509Certificate> bundle(String environment) {
        List<X509Certificate> bundle = new ArrayList<>();
        authorities.trusted(environment).forEach(ca -> bundle.add(ca.certificate()));
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
                    log.warn("ClientCertUntrusted: {} (subject \"{}\", serial {}, SHA-256 {})", reason,
                            leaf == null ? "-" : leaf.getSubjectX500Principal().getName(),
                            leaf == null ? "-" : SerialNumbers.hex(leaf.getSerialNumber()),
                            leaf == null ? "-" : ChainCheck.fingerprint(leaf));
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

    /**
     * Why the chain would be refused, or null when it is trusted. A client certificate must be valid, not blocked
     * by an administrator, and meant for client authentication (extendedKeyUsage clientAuth). Then either it has
     * a path to the environment's own CA (the issuing one, or an older one during its rollover overlap) and is a certificate certdesk issued and has not revoked, or it is a
     * partner client certificate that two approvers registered for an organization (the leaf itself, by
     * fingerprint) and its path ends at a partner CA approved for that same organization. Another certificate
     * from an approved partner CA, whether of the same organization or another, is refused: a partner CA vouches
     * only for the client certificates approved with it.
     */
    public String reasonToRefuse(String environment, X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "no client certificate presented";
        }
        X509Certificate leaf = chain[0];
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (CertificateExpiredException e) {
            return "the certificate expired on " + leaf.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            return "the certificate is not valid before " + leaf.getNotBefore().toInstant();
        }
        String fingerprint = ChainCheck.fingerprint(leaf);
        ClientCertificateBlocks.Block block = blocks.find(fingerprint).orElse(null);
        if (block != null) {
            return "the certificate was blocked by an administrator on " + block.blockedAt() + " (" + block.reason() + ")";
        }
        String usage = ClientAuthUsage.problem(leaf);
        if (usage != null) {
            return "the certificate is not for client authentication: " + usage;
        }
        List<X509Certificate> ownCas = authorities.trusted(environment).stream().map(CertificateAuthority::certificate).toList();
        if (pathProblem(chain, ownCas, List.of(), now) == null) {
            IssuedCertificate issued = inventory.findBySerial(SerialNumbers.hex(leaf.getSerialNumber())).orElse(null);
            if (issued == null) {
                return "certdesk has no record of serial " + SerialNumbers.hex(leaf.getSerialNumber());
            }
            if (issued.status() == IssuedCertificate.Status.REVOKED) {
                return "the certificate was revoked";
            }
            return null;
        }
        IssuedCertificate registered = inventory.findBySerial(PartnerTrustService.inventoryKey(fingerprint))
                .filter(c -> c.certificatePem() != null && PartnerCas.parse(c.certificatePem()).equals(leaf)).orElse(null);
        if (registered == null) {
            return "no valid path to certdesk's " + environment + " CA, and not a partner client certificate approved for an "
                    + "organization (a partner CA is trusted only for the client certificates approved with it)";
        }
        if (!environment.equals(registered.environment())) {
            return "the partner client certificate was approved for " + registered.environment() + ", not for " + environment;
        }
        List<X509Certificate> granted = partners.forOrganization(environment, registered.organizationId()).stream()
                .map(PartnerCas.PartnerCa::certificate).toList();
        if (granted.isEmpty()) {
            return "no partner CA is trusted for organization " + registered.organizationId() + " in " + environment;
        }
        // the path must end at an approved root, within its validity: an approved intermediate is no anchor of its own
        List<X509Certificate> roots = granted.stream().filter(TrustService::selfIssued).toList();
        List<X509Certificate> intermediates = granted.stream().filter(ca -> !selfIssued(ca)).toList();
        String problem = pathProblem(chain, roots, intermediates, now);
        if (problem != null) {
            return "no valid path to a partner CA trusted for organization " + registered.organizationId() + " in " + environment
                    + " (" + problem + ")";
        }
        if (registered.status() == IssuedCertificate.Status.REVOKED) {
            return "the certificate was revoked";
        }
        return null;
    }

    private static boolean selfIssued(X509Certificate ca) {
        return ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal());
    }

    /**
     * Why no PKIX path leads from the chain's leaf through the chain's and the given intermediates to one of the
     * anchors, within every certificate's validity (the anchor's too, which PKIX itself does not check), or null
     * when one does.
     */
    private static String pathProblem(X509Certificate[] chain, List<X509Certificate> anchorCertificates,
                                      List<X509Certificate> intermediates, Date now) {
        if (anchorCertificates.isEmpty()) {
            return "no trusted root";
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : anchorCertificates) {
            anchors.add(new TrustAnchor(ca, null));
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain[0]);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            List<X509Certificate> store = new ArrayList<>(Arrays.asList(chain));
            store.addAll(intermediates);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            PKIXCertPathBuilderResult path = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
            X509Certificate anchor = path.getTrustAnchor().getTrustedCert();
            if (now.after(anchor.getNotAfter()) || now.before(anchor.getNotBefore())) {
                // a partner's name, logged: one line, control characters written out
                return "the root " + Quoted.of(anchor.getSubjectX500Principal().getName()) + " is not valid now (" + anchor.getNotBefore().toInstant()
                        + " to " + anchor.getNotAfter().toInstant() + ")";
            }
            return null;
        } catch (CertPathBuilderException e) {
            return e.getMessage();
        } catch (GeneralSecurityException e) {
            return "the chain cannot be checked: " + e.getMessage();
        }
    }
}
