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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.certdesk.lifecycle.LifecycleService;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.Quoted;
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

    public PartnerTrustService(TrustRequests requests, PartnerCas partners, CertificateInventory inventory, Organizations organizations,
                               LifecycleService lifecycle, RuntimeService runtime, CertdeskProperties properties, Clock clock,
                               PublicRoots publicRoots) {
        this.requests = requests;
        this.partners = partners;
        this.inventory = inventory;
        this.organizations = organizations;
        this.lifecycle = lifecycle;
        this.runtime = runtime;
        this.properties = properties;
        this.clock = clock;
        this.publicRoots = publicRoots;
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
        }
        if (!properties.environments().containsKey(request.environment())) {
            problems.add("The environment \"" + request.environment() + "\" does not exist; use one of "
                    + String.join(", ", properties.environments().keySet()) + ".");
        }
        requests.record(id, problems.isEmpty() ? "AWAITING_APPROVAL" : "REJECTED_BY_CHECKS", problems);
        return new ChainCheck.Result(result.leaf(), result.cas(), List.copyOf(problems));
    }

    /** Trusts every CA of the approved chain for the organization and environment, and tracks the client certificate. */
    @Transactional
    public List<String> trust(long id, String approvedBy) {
        TrustRequests.TrustRequest request = requests.get(id);
        if (request.firstDecidedBy() == null || request.secondDecidedBy() == null
                || request.firstDecidedBy().equals(request.secondDecidedBy())) {
            throw new IllegalStateException(request.reference() + " lacks two decisions by two different approvers");
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
        organizations.ensure(request.organizationId(), null, now);
        organizations.addContact(request.organizationId(), request.senderEmail(), null, Organizations.TECHNICAL, now);
        requests.record(id, "TRUSTED", List.of());
        return trusted;
    }

    /**
     * What the approvers must know beyond the checks: a CA of the path that is, or is issued by, a root of the
     * JDK's public trust store. Empty for a private PKI.
     */
    public List<String> warnings(ChainCheck.Result chain) {
        return publicRoots.warnings(chain.cas());
    }

    /** The inventory key of a partner's client certificate, from its SHA-256 fingerprint (colon hex). */
    public static String inventoryKey(String fingerprint) {
        return "P-" + fingerprint.replace(":", "").substring(0, 40);
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
        return Quoted.shown(ChainCheck.name(c), 100) + "\n    issuer: "
                + Quoted.shown(c.getIssuerX500Principal().getName(), 100) + "\n    valid: "
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
