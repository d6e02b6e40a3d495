package io.certdesk.trust;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.certdesk.lifecycle.LifecycleService;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.Quoted;
import io.certdesk.request.rules.OrganizationIdRule;
import io.certdesk.trust.chain.NameRule;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Partner CA requests: registration from mail, chain checks, and trusting the CAs after two approvals. */
@Service
public class PartnerTrustService {

    private final TrustRequests requests;
    private final PartnerCas partners;
    private final CertificateInventory inventory;
    private final Organizations organizations;
    private final LifecycleService lifecycle;
    private final RuntimeService runtime;
    private final CertdeskProperties properties;
    private final Clock clock;
    private final PublicRoots publicRoots;
    private final CertificateAuthorities authorities;

    public PartnerTrustService(TrustRequests requests, PartnerCas partners, CertificateInventory inventory, Organizations organizations,
                               LifecycleService lifecycle, RuntimeService runtime, CertdeskProperties properties, Clock clock,
                               PublicRoots publicRoots, CertificateAuthorities authorities) {
        this.requests = requests;
        this.partners = partners;
        this.inventory = inventory;
        this.organizations = organizations;
        this.lifecycle = lifecycle;
        this.runtime = runtime;
        this.properties = properties;
        this.clock = clock;
        this.publicRoots = publicRoots;
        this.authorities = authorities;
    }

    /** Stores the chain a client sent and starts its trust process; returns the reference. */
    public String register(String messageId, String sender, String organizationId, String environment, List<byte[]> certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : parse(certificates)) {
            pem.append(Pem.encode(certificate));
        }
        String env = environment == null ? properties.defaultEnvironment() : environment;
        TrustRequests.TrustRequest request = requests.insert(clock.instant(), messageId, sender, organizationId, env, pem.toString());
        runtime.startProcessInstanceByKey(PartnerTrustProcess.KEY, request.reference(), Map.of(
                PartnerTrustProcess.TRUST_REQUEST_ID, request.id(),
                PartnerTrustProcess.REFERENCE, request.reference(),
                PartnerTrustProcess.ORGANIZATION_ID, organizationId == null ? "" : organizationId,
                PartnerTrustProcess.ENVIRONMENT, env));
        return request.reference();
    }

    @Transactional
    public ChainCheck.Result validate(long id) {
        TrustRequests.TrustRequest request = requests.get(id);
        List<X509Certificate> chain = parsePem(request.chainPem());
        CertdeskProperties.Policy policy = properties.policy();
        // the configured curves by any of their names (secp256r1, prime256v1, P-256) or OID, as their field sizes
        List<String> curveSizes = policy.allowedCurves().stream().map(CsrFacts::curveOid)
                .map(oid -> String.valueOf(ECNamedCurveTable.getByOID(oid).getCurve().getFieldSize())).toList();
        ChainCheck.Result result = ChainCheck.check(chain, clock.instant(), policy.rsaMinBits(), curveSizes);
        List<String> problems = new ArrayList<>(result.problems());
        if (request.organizationId() == null || request.organizationId().isBlank()) {
            problems.add("The mail has no \"Organization ID: ...\" line: certdesk needs to know whose partner CA this is.");
        } else if (!request.organizationId().matches(OrganizationIdRule.PATTERN)) {
            // as for a CSR: an id with invisible or look-alike characters passed for a registered organization
            problems.add("The organization id " + Quoted.of(request.organizationId()) + " is not valid: use up to 64 letters, "
                    + "digits, dots, dashes or underscores, e.g. \"Organization ID: acme-42\".");
        } else {
            organizations.lookAlike(request.organizationId()).ifPresent(taken -> problems.add("The organization id "
                    + Quoted.of(request.organizationId()) + " reads like the organization id " + taken + ", which is taken: two "
                    + "organizations must not be told apart by case, dots, dashes or look-alike letters. If " + taken
                    + " is your organization, write its id exactly as it is; otherwise ask support for an organization id."));
        }
        if (!properties.environments().containsKey(request.environment())) {
            problems.add("The environment \"" + request.environment() + "\" does not exist; use one of "
                    + String.join(", ", properties.environments().keySet()) + ".");
        }
        problems.addAll(certdesksOwn(chain));
        if (result.leaf() != null && request.organizationId() != null && !request.organizationId().isBlank()) {
            problems.addAll(registeredElsewhere(result.leaf(), request));
        }
        requests.record(id, problems.isEmpty() ? "AWAITING_APPROVAL" : "REJECTED_BY_CHECKS", problems);
        return new ChainCheck.Result(result.leaf(), result.cas(), List.copyOf(problems));
    }

    /**
     * What in the chain is certdesk's own: a CA with the name or key of one of certdesk's CAs (any environment, any
     * generation), or a client certificate for a key certdesk certified. Trusting it as a partner's would carry
     * certdesk's certificates into another environment past their revocation checks, or put a CA of the sender's
     * making under certdesk's name in every gateway's trust bundle.
     */
    private List<String> certdesksOwn(List<X509Certificate> chain) {
        List<String> problems = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            for (String environment : authorities.environments()) {
                boolean own = authorities.generations(environment).stream().map(g -> g.ca().certificate()).anyMatch(ca ->
                        ca.getSubjectX500Principal().equals(certificate.getSubjectX500Principal())
                                || commonName(ca) != null && commonName(ca).equalsIgnoreCase(commonName(certificate))
                                || Arrays.equals(ca.getPublicKey().getEncoded(), certificate.getPublicKey().getEncoded()));
                if (own) {
                    problems.add(ChainCheck.shown(certificate) + " has the name or key of certdesk's own " + environment + " CA: "
                            + "certificates certdesk issued need no partner trust. Send your partner CA's chain.");
                    break;
                }
            }
            if (certificate.getBasicConstraints() < 0 && certifiedByCertdesk(certificate)) {
                problems.add("The client certificate " + ChainCheck.shown(certificate) + " has a key certdesk certified: renew "
                        + "certdesk's certificate by mail or over EST instead; a partner client certificate needs a key of its own.");
            }
        }
        return problems;
    }

    /** The subject's (first) common name, trimmed; null without one. Names match in any order of their parts. */
    private static String commonName(X509Certificate certificate) {
        RDN[] names = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return names.length == 0 ? null : IETFUtils.valueToString(names[0].getFirst().getValue()).trim();
    }

    private boolean certifiedByCertdesk(X509Certificate certificate) {
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
        return inventory.findWithKey(PublicKeyHashes.ofEveryEncoding(key)).stream().anyMatch(issued -> !issued.serial().startsWith(PARTNER_PREFIX));
    }

    /**
     * A partner client certificate is trusted for one organization in one environment: the handshake looks it up by
     * its fingerprint alone.
     */
    private List<String> registeredElsewhere(X509Certificate leaf, TrustRequests.TrustRequest request) {
        IssuedCertificate registered = inventory.findBySerial(inventoryKey(ChainCheck.fingerprint(leaf))).orElse(null);
        if (registered == null || registered.environment().equals(request.environment())
                && registered.organizationId().equals(request.organizationId())) {
            return List.of();
        }
        return List.of(registered.organizationId().equals(request.organizationId())
                ? "The client certificate " + ChainCheck.shown(leaf) + " is already trusted for " + request.organizationId()
                + " in " + registered.environment() + ": use another client certificate for " + request.environment() + "."
                : "The client certificate " + ChainCheck.shown(leaf) + " is already trusted for another organization: "
                + "send a client certificate of your own.");
    }

    /** Trusts every CA of the approved chain for the organization and environment, and tracks the client certificate. */
    @Transactional
    public List<String> trust(long id, String approvedBy) {
        TrustRequests.TrustRequest request = requests.get(id);
        if (request.firstDecidedBy() == null || request.secondDecidedBy() == null
                || request.firstDecidedBy().equals(request.secondDecidedBy())) {
            throw new IllegalStateException(request.reference() + " lacks two decisions by two different approvers");
        }
        if (!Boolean.TRUE.equals(request.firstApproved()) || !Boolean.TRUE.equals(request.secondApproved())) {
            throw new IllegalStateException(request.reference() + " was not approved by both approvers");
        }
        ChainCheck.Result chain = validate(id);
        if (!chain.valid()) {
            throw new IllegalStateException(request.reference() + " no longer passes its checks: " + chain.problems());
        }
        Instant now = clock.instant();
        List<String> trusted = new ArrayList<>();
        for (X509Certificate ca : chain.cas()) {
            String fingerprint = ChainCheck.fingerprint(ca);
            partners.add(request.environment(), fingerprint, request.organizationId(), ChainCheck.name(ca), Pem.encode(ca),
                    request.reference(), approvedBy, now);
            trusted.add(ChainCheck.name(ca) + " (" + fingerprint + ")");
        }
        X509Certificate leaf = chain.leaf();
        String key = inventoryKey(ChainCheck.fingerprint(leaf));
        if (inventory.findBySerial(key).isEmpty()) {
            byte[] spki = leaf.getPublicKey().getEncoded();
            IssuedCertificate tracked = new IssuedCertificate(key, request.environment(), request.reference(), request.organizationId(),
                    leaf.getSubjectX500Principal().getName(), Fingerprints.sha256Hex(spki), leaf.getNotBefore().toInstant(),
                    leaf.getNotAfter().toInstant(), IssuedCertificate.Status.ACTIVE, Pem.encode(leaf), now, null, null);
            inventory.recordPartnerLeaf(tracked);
            lifecycle.scheduleReminders(tracked);
        }
        // the sender becomes the technical contact of an organization it starts; of an existing one, whose technical
        // contacts get its reminders and may ask to revoke its certificates, only if it is one already
        boolean newOrganization = organizations.find(request.organizationId()).isEmpty();
        organizations.ensure(request.organizationId(), null, now);
        organizations.addContact(request.organizationId(), request.senderEmail(), null,
                newOrganization ? Organizations.TECHNICAL : Organizations.REQUESTER, now);
        requests.record(id, "TRUSTED", List.of());
        return trusted;
    }

    /**
     * What the approvers must know beyond the checks: a CA of the path that is, or is issued by, a root of the
     * JDK's public trust store. Empty for a private PKI.
     */
    public List<String> warnings(long id, ChainCheck.Result chain) {
        List<String> warnings = new ArrayList<>(publicRoots.warnings(chain.cas()));
        TrustRequests.TrustRequest request = requests.get(id);
        organizations.lookAlikeWaiting(request.organizationId()).ifPresent(waiting -> warnings.add("Another request waiting "
                + "for approval is for the new organization " + waiting + ", whose id reads like " + Quoted.of(request.organizationId())
                + ". Approve at most one of them, after asking the client which id is theirs."));
        if (request.organizationId() != null && request.senderEmail() != null && organizations.find(request.organizationId()).isPresent()) {
            List<String> known = organizations.contacts(request.organizationId()).stream()
                    .map(c -> c.email().toLowerCase(Locale.ROOT)).distinct().toList();
            if (!known.contains(request.senderEmail().toLowerCase(Locale.ROOT))) {
                warnings.add(request.senderEmail() + " is not a registered contact of " + request.organizationId() + " (registered: "
                        + String.join(", ", known) + "). Confirm with a registered contact that " + request.organizationId()
                        + " asks for this partner CA before approving: the From of a mail is easily forged.");
            }
        }
        List<X509Certificate> all = new ArrayList<>(chain.cas());
        if (chain.leaf() != null) {
            all.add(0, chain.leaf());
        }
        for (X509Certificate certificate : all) {
            // a letter from another script can make a name look like another, certdesk's own CA's included
            String foreign = Quoted.nonAscii(ChainCheck.name(certificate));
            if (!foreign.isEmpty()) {
                warnings.add(ChainCheck.shown(certificate) + " holds characters outside plain ASCII: " + foreign
                        + ". Check that it is not made to look like another name.");
            }
        }
        return warnings;
    }

    /** The inventory key of a partner's client certificate, from its SHA-256 fingerprint (colon hex). */
    public static String inventoryKey(String fingerprint) {
        return PARTNER_PREFIX + fingerprint.replace(":", "").substring(0, 40);
    }

    private static final String PARTNER_PREFIX = "P-";

    /** See {@link TrustRequests#recordEarlierDecisions}. */
    public void recordEarlierDecisions(long id, Boolean firstApproved, Boolean secondApproved) {
        requests.recordEarlierDecisions(id, firstApproved, secondApproved);
    }

    public TrustRequests.TrustRequest get(long id) {
        return requests.get(id);
    }

    /** Subject, issuer, validity, SHA-256 fingerprint and key of a certificate, for approvers and mails. */
    public static String describe(X509Certificate c) {
        String key = c.getPublicKey() instanceof RSAPublicKey rsa ? "RSA " + rsa.getModulus().bitLength()
                : c.getPublicKey() instanceof ECPublicKey ec ? "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits"
                : c.getPublicKey().getAlgorithm();
        // the sender chose these names: shown briefly, with control characters visible
        return Quoted.shown(ChainCheck.name(c), NameRule.MAX_LENGTH) + "\n    issuer: "
                + Quoted.shown(c.getIssuerX500Principal().getName(), NameRule.MAX_LENGTH) + "\n    valid: "
                + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant() + "\n    SHA-256: " + ChainCheck.fingerprint(c)
                + "\n    key: " + key + ", signed with " + c.getSigAlgName();
    }

    public static String describeAll(List<X509Certificate> certificates) {
        return certificates.stream().map(PartnerTrustService::describe).collect(Collectors.joining("\n"));
    }

    static List<X509Certificate> parse(List<byte[]> ders) {
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : ders) {
            try {
                out.add((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException e) {
                // unreadable entries were reported by intake
            }
        }
        return out;
    }

    static List<X509Certificate> parsePem(String pem) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            return List.of();
        }
    }
}
