package io.certdesk.request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.CompromisedKeys;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers requests from mail, validates them against policy and records approvers' decisions. */
@Service
public class RequestService {

    private final RequestRepository repository;
    private final RequestPolicy policy;
    private final Organizations organizations;
    private final CertificateInventory inventory;
    private final CompromisedKeys compromisedKeys;
    private final String defaultEnvironment;
    private final Clock clock;
    private final MeterRegistry metrics;

    public RequestService(RequestRepository repository, RequestPolicy policy, Organizations organizations,
                          CertificateInventory inventory, CompromisedKeys compromisedKeys, RequestDefaults defaults, Clock clock,
                          MeterRegistry metrics) {
        this.compromisedKeys = compromisedKeys;
        this.metrics = metrics;
        this.repository = repository;
        this.policy = policy;
        this.organizations = organizations;
        this.inventory = inventory;
        this.defaultEnvironment = defaults.environment();
        this.clock = clock;
    }

    /** The environment a request gets when neither the mail nor the CSR's OU names one. */
    public record RequestDefaults(String environment) {
    }

    @Transactional
    public CertificateRequest register(NewRequest in) {
        List<String> problems = new ArrayList<>(in.problems());
        String csrPem = null;
        if (in.csrs().size() > 1) {
            problems.add("The mail holds " + in.csrs().size() + " different CSRs; send one CSR per mail.");
        } else if (in.csrs().size() == 1) {
            try {
                PKCS10CertificationRequest csr = CsrParser.parseDer(in.csrs().get(0));
                csrPem = toPem(csr.getEncoded());
            } catch (CsrFormatException e) {
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add("The CSR cannot be re-encoded: " + e.getMessage());
            }
        }
        return repository.insert(clock.instant(), in.messageId(), in.mailSubject(), in.senderEmail(), in.senderName(),
                in.organizationId(), in.companyName(), in.environment(), in.technicalContactName(),
                in.technicalContactEmail(), csrPem, problems, in.privateKeyFindings(), in.exposedKeyHashes());
    }

    /**
     * Registers a request that came over EST from a client certificate certdesk issued: the organization and
     * environment are the certificate's, never anything the client sent; the CSR is DER and already parsed once.
     */
    @Transactional
    public CertificateRequest registerEst(String kind, String clientSerial, String organizationId, String companyName,
                                          String environment, byte[] csrDer) {
        CertificateRequest registered = repository.insert(clock.instant(), null, null, null, null, organizationId, companyName,
                environment, null, null, toPem(csrDer), List.of(), List.of(), List.of());
        repository.recordEstOrigin(registered.id(), kind, clientSerial);
        return repository.get(registered.id());
    }

    @Transactional
    public ValidationResult validate(long requestId) {
        CertificateRequest request = repository.get(requestId);
        if (!request.privateKeyFindings().isEmpty()) {
            repository.recordStatus(requestId, CertificateRequest.Status.PRIVATE_KEY_EXPOSED);
            return new ValidationResult(ValidationResult.Outcome.PRIVATE_KEY_EXPOSED, repository.get(requestId), "");
        }
        if (request.csrPem() == null && request.intakeProblems().isEmpty()) {
            repository.recordStatus(requestId, CertificateRequest.Status.NOT_A_REQUEST);
            return new ValidationResult(ValidationResult.Outcome.NOT_A_REQUEST, repository.get(requestId), "");
        }
        List<PolicyFinding> findings = new ArrayList<>();
        for (String problem : request.intakeProblems()) {
            findings.add(PolicyFinding.error("CSR_UNREADABLE", problem,
                    "Attach the .csr file exactly as openssl wrote it (openssl req -new ... -out client.csr), one CSR per mail."));
        }
        RequestClaims claims = claims(request, null);
        String subject = null;
        String keyDescription = null;
        String publicKeyHash = null;
        if (request.csrPem() != null) {
            try {
                CsrFacts facts = CsrFacts.read(request.csrPem().getBytes(StandardCharsets.UTF_8));
                claims = claims(request, facts);
                findings.addAll(policy.evaluate(facts, claims));
                // the subject the approver is shown is the one signing builds, by the same function; a refused
                // request keeps the subject its CSR asked for
                subject = facts.subjectText();
                try {
                    subject = CertificateSubject.of(facts.subject()).text();
                } catch (CertificateSubject.NotAllowed e) {
                    if (findings.stream().noneMatch(PolicyFinding::isError)) {
                        findings.add(PolicyFinding.error("SUBJECT_NOT_SIGNABLE", "The CSR's subject cannot be signed: "
                                + e.getMessage() + ".", "Make the CSR again with only C, ST, L, O, OU and CN in plain text, e.g. "
                                + "-subj \"/C=NL/O=Your Company Name/OU=API Client/CN=your-organization-id\""));
                    }
                }
                if (facts.signatureValid()) {
                    // whether a key is known to be compromised is told only to whoever proves to hold it
                    compromisedKey(facts, findings);
                }
                List<String> renewed = renewals(request, claims, subject, facts, findings);
                strangerToOrganization(claims, findings);
                organizationIdTaken(claims, findings);
                repository.recordRenewal(requestId, renewed);
                keyDescription = facts.keyDescription();
                publicKeyHash = facts.publicKeySha256();
            } catch (CsrFormatException e) {
                findings.add(PolicyFinding.error("CSR_UNREADABLE", e.getMessage(), "Attach the .csr file exactly as openssl wrote it."));
            }
        }
        authenticity(request, claims, findings);
        boolean valid = findings.stream().noneMatch(PolicyFinding::isError);
        if (!valid) {
            metrics.counter("certdesk.requests.rejected", "by", "policy").increment();
        }
        CertificateRequest.Status status = valid ? CertificateRequest.Status.AWAITING_APPROVAL : CertificateRequest.Status.REJECTED_BY_POLICY;
        // a refused request's values can be anything; the row keeps what fits its columns (policy refused the rest)
        repository.recordValidation(requestId, fit(claims.organizationId(), 64), fit(claims.companyName(), 200),
                fit(claims.environment(), 40), fit(subject, 1000),
                keyDescription, publicKeyHash, findings, status);
        return new ValidationResult(valid ? ValidationResult.Outcome.VALID : ValidationResult.Outcome.INVALID,
                repository.get(requestId), organizationStatus(claims.organizationId()));
    }

    @Transactional
    public CertificateRequest recordDecision(long requestId, boolean approved, String decidedBy, String reason) {
        // a key can become known as compromised while its request waits, a key asked for over EST too (its private
        // key mailed to certdesk): the approver is told so at once and rejects it; signing checks again anyway
        CertificateRequest request = repository.get(requestId);
        if (approved && keyCompromisedSinceChecked(request)) {
            throw new IllegalStateException("Request " + request.reference() + " cannot be approved: its key became known as "
                    + "compromised after the request was checked (a certificate with it was revoked for keyCompromise, or its "
                    + "private key was mailed to certdesk). Reject it with a reason.");
        }
        metrics.counter(approved ? "certdesk.requests.approved" : "certdesk.requests.rejected", approved ? List.of()
                : List.of(Tag.of("by", "approver"))).increment();
        if (!repository.recordDecision(requestId, approved ? CertificateRequest.Status.APPROVED : CertificateRequest.Status.REJECTED,
                decidedBy, reason, clock.instant())) {
            throw new IllegalStateException("Request " + request.reference() + " is not waiting for a decision");
        }
        return repository.get(requestId);
    }

    /** The organization's certificates, the 10 most recent, oldest first; none for an unknown organization. */
    public List<IssuedCertificate> certificatesOf(String organizationId) {
        if (organizationId == null) {
            return List.of();
        }
        List<IssuedCertificate> all = inventory.findByOrganization(organizationId);
        return all.subList(Math.max(0, all.size() - 10), all.size());
    }

    public CertificateRequest get(long requestId) {
        return repository.get(requestId);
    }

    private RequestClaims claims(CertificateRequest r, CsrFacts facts) {
        Set<String> environments = policy.settings().environments();
        String orgId = r.claimedOrganizationId();
        String orgSource = "mail";
        if (orgId == null && facts != null && facts.commonNames().size() == 1) {
            orgId = facts.commonNames().get(0);
            orgSource = "CSR CN";
        }
        String company = r.claimedCompanyName();
        if (company == null && facts != null && facts.organizations().size() == 1) {
            company = facts.organizations().get(0);
        }
        String environment = r.claimedEnvironment();
        String environmentSource = "mail";
        if (environment == null && facts != null && facts.organizationalUnits().size() == 1
                && environments.contains(facts.organizationalUnits().get(0).toLowerCase(Locale.ROOT))) {
            environment = facts.organizationalUnits().get(0).toLowerCase(Locale.ROOT);
            environmentSource = "CSR OU";
        }
        if (environment == null) {
            environment = defaultEnvironment;
            environmentSource = "default";
        }
        String contactEmail = r.technicalContactEmail() != null ? r.technicalContactEmail() : r.senderEmail();
        String contactName = r.technicalContactEmail() != null ? r.technicalContactName() : r.senderName();
        return new RequestClaims(orgId, orgSource, company, contactName, contactEmail, r.senderEmail(), environment,
                environmentSource);
    }

    /**
     * A key certdesk knows to be compromised is not certified again, in any encoding of it: a certificate with it was
     * revoked for keyCompromise, or its private key was mailed. Whoever holds the key now may not be its owner. The
     * finding says which of the two, never whose certificate it was.
     */
    private void compromisedKey(CsrFacts facts, List<PolicyFinding> findings) {
        compromisedKeys.find(PublicKeyHashes.ofEveryEncoding(SubjectPublicKeyInfo.getInstance(facts.publicKeyInfo()))).ifPresent(known -> {
            String how = known.kind() == CompromisedKeys.Kind.EXPOSED
                    ? "is the public key of a private key that was sent to certdesk by mail: a key that has been mailed is no longer private"
                    : "belongs to a certificate that was revoked because its private key was compromised";
            findings.add(PolicyFinding.error(KEY_COMPROMISED, "The CSR's public key (SHA-256 " + facts.publicKeySha256() + ") " + how
                    + ", so certdesk never certifies that key again.", "Make a new key and a CSR from it, e.g. openssl ecparam -genkey "
                    + "-name secp384r1 -noout -out client-key.pem, then openssl req -new -key client-key.pem -out client.csr"));
        });
    }

    public static final String KEY_COMPROMISED = "KEY_COMPROMISED";

    private boolean keyCompromisedSinceChecked(CertificateRequest request) {
        if (request.csrPem() == null) {
            return false;
        }
        try {
            CsrFacts facts = CsrFacts.read(request.csrPem().getBytes(StandardCharsets.UTF_8));
            return compromisedKeys.any(PublicKeyHashes.ofEveryEncoding(SubjectPublicKeyInfo.getInstance(facts.publicKeyInfo())));
        } catch (CsrFormatException unreadable) {
            return false;
        }
    }

    /** Active certificates of the same organization and environment that this request renews, noted for the approver. */
    private List<String> renewals(CertificateRequest request, RequestClaims claims, String subject, CsrFacts facts,
                                  List<PolicyFinding> findings) {
        if (claims.organizationId() == null || claims.environment() == null) {
            return List.of();
        }
        List<IssuedCertificate> active = inventory.findActive(claims.organizationId(), claims.environment());
        if (request.overEst()) {
            // over EST a request renews exactly the certificate that asked for it, and an enrollment renews none
            active = active.stream().filter(c -> CertificateRequest.EST_REENROLL.equals(request.estKind())
                    && c.serial().equals(request.estClientSerial())).toList();
        }
        List<String> sameKey = PublicKeyHashes.ofEveryEncoding(SubjectPublicKeyInfo.getInstance(facts.publicKeyInfo()));
        for (IssuedCertificate old : active) {
            String change = old.subject().equals(subject) ? "same subject"
                    : "subject changes from \"" + old.subject() + "\" to \"" + subject + "\"";
            String key = sameKey.contains(old.publicKeySha256()) ? "the SAME public key as before (no key rotation)"
                    : "a new key (" + facts.keyDescription() + ")";
            findings.add(PolicyFinding.note("RENEWAL", "Renews certificate " + old.serial() + " (expires " + old.notAfter()
                    + "): " + change + ", " + key + ". The old certificate is revoked as superseded after the grace period."));
        }
        return active.stream().map(IssuedCertificate::serial).toList();
    }

    /** Records what intake found about the mail's sender (DKIM), for validation to show the approver. */
    @Transactional
    public void recordMailAuthenticity(long requestId, MailAuthenticity verdict) {
        repository.recordMailAuthenticity(requestId, verdict);
    }

    /**
     * Tells the approver whether the mail provably comes from its sender's domain; an organization that requires
     * DKIM gets its request refused when it does not, and also when the mail was not checked (checking is switched
     * off): the requirement is the organization's, and an unchecked From is anyone's to write.
     */
    private void authenticity(CertificateRequest request, RequestClaims claims, List<PolicyFinding> findings) {
        MailAuthenticity verdict = repository.mailAuthenticity(request.id()).orElse(null);
        if (verdict == null) {
            if (!request.overEst() && claims.organizationId() != null && organizations.requiresDkim(claims.organizationId())) {
                findings.add(PolicyFinding.error(MAIL_AUTHENTICATION_REQUIRED, claims.organizationId()
                        + " requires its requests to come in mail DKIM-signed by the sender's domain, and certdesk does not"
                        + " check DKIM signatures at the moment, so it cannot accept this mail as your organization's.",
                        "Ask certdesk support to switch DKIM checking on again, then send this request again."));
            }
            return;
        }
        String sender = claims.senderEmail() == null ? "the sender" : claims.senderEmail();
        if (verdict.authenticated()) {
            findings.add(PolicyFinding.note(MAIL_AUTHENTICATED, "The mail is authenticated: " + verdict.detail()
                    + " It was sent through " + verdict.domain() + "'s mail servers and not changed on the way."));
            return;
        }
        findings.add(PolicyFinding.warning(MAIL_NOT_AUTHENTICATED, "The mail is not authenticated: " + verdict.detail()
                + " Its From (" + sender + ") may be forged: confirm the request with a known contact before approving."));
        if (claims.organizationId() != null && organizations.requiresDkim(claims.organizationId())) {
            String domain = sender.contains("@") ? sender.substring(sender.lastIndexOf('@') + 1) : "your domain";
            // in certdesk's words only: the refusal goes to the mail's From, which may be someone else's address, and
            // what DKIM found quotes the sender's own headers
            findings.add(PolicyFinding.error(MAIL_AUTHENTICATION_REQUIRED, claims.organizationId()
                    + " requires its requests to come in mail DKIM-signed by the sender's domain, and this mail is not"
                    + (verdict.result() == MailAuthenticity.Result.NONE ? " signed." : " signed by it, or was changed after signing."),
                    "Send the mail from your organization's own mail server, which signs its mail with DKIM for "
                    + domain + " (ask your mail administrator), and do not forward it: forwarding or changing a mail breaks its signature."));
        }
    }

    public static final String MAIL_AUTHENTICATED = "MAIL_AUTHENTICATED";
    public static final String MAIL_NOT_AUTHENTICATED = "MAIL_NOT_AUTHENTICATED";
    public static final String MAIL_AUTHENTICATION_REQUIRED = "MAIL_AUTHENTICATION_REQUIRED";

    /**
     * A known organization's request from someone certdesk has never dealt with for it: the From of a mail is
     * easily forged, so the approver is told before a certificate goes to, and a contact is added for, a stranger.
     */
    private void strangerToOrganization(RequestClaims claims, List<PolicyFinding> findings) {
        if (claims.organizationId() == null || organizations.find(claims.organizationId()).isEmpty()) {
            return;
        }
        List<String> known = organizations.contacts(claims.organizationId()).stream()
                .map(c -> c.email().toLowerCase(Locale.ROOT)).distinct().toList();
        List<String> strangers = Stream.of(claims.senderEmail(), claims.technicalContactEmail())
                .filter(Objects::nonNull).map(e -> e.toLowerCase(Locale.ROOT)).distinct()
                .filter(e -> !known.contains(e)).toList();
        if (!strangers.isEmpty()) {
            findings.add(PolicyFinding.warning("CONTACT_NOT_REGISTERED", String.join(", ", strangers)
                    + " is not a registered contact of " + claims.organizationId() + " (registered: " + String.join(", ", known)
                    + "). Confirm with a registered contact before approving: the certificate would be mailed to "
                    + String.join(", ", strangers) + ", who would then become a contact."));
        }
    }

    /**
     * A new organization whose id reads like a registered or waiting one (ACME-42, acme_42 or acme-O42 beside acme-42)
     * is refused: it would pass for that one with the approver, and with relying parties comparing names loosely.
     */
    private void organizationIdTaken(RequestClaims claims, List<PolicyFinding> findings) {
        organizations.lookAlike(claims.organizationId()).ifPresent(taken -> findings.add(PolicyFinding.error(
                "ORGANIZATION_ID_TAKEN", "The organization id " + Quoted.of(claims.organizationId()) + " reads like the organization id "
                        + taken + ", which is taken: two organizations must not be told apart by case, dots, dashes or look-alike letters.",
                "If " + taken + " is your organization, write its id exactly as it is, in the mail and as the CSR's CN; "
                        + "otherwise ask support for an organization id.")));
        organizations.lookAlikeWaiting(claims.organizationId()).ifPresent(waiting -> findings.add(PolicyFinding.warning(
                "ORGANIZATION_ID_LOOKS_LIKE", "Another request waiting for approval is for the new organization " + waiting
                        + ", whose id reads like " + Quoted.of(claims.organizationId()) + ". Approve at most one of them, "
                        + "after asking the client which id is theirs.")));
    }

    /** What the approver is told of the organization: new, or known since when with how many certificates. */
    public String organizationStatus(String organizationId) {
        if (organizationId == null) {
            return "unknown";
        }
        return organizations.find(organizationId).map(org -> {
            List<IssuedCertificate> certificates = inventory.findByOrganization(organizationId);
            long active = certificates.stream().filter(c -> c.status() == IssuedCertificate.Status.ACTIVE).count();
            return "known since " + org.createdAt().toString().substring(0, 10) + ", " + certificates.size()
                    + " certificate(s) issued, " + active + " active";
        }).orElse("new");
    }

    private static String fit(String value, int columnWidth) {
        return value == null || value.length() <= columnWidth ? value : value.substring(0, columnWidth - 6) + " [...]";
    }

    static String toPem(byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8)).encodeToString(der);
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + base64 + "\n-----END CERTIFICATE REQUEST-----\n";
    }
}
