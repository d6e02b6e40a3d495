package io.certdesk.est;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.certdesk.lifecycle.RotationCommands;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.CsrFacts;
import io.certdesk.request.CsrFormatException;
import io.certdesk.request.CsrParser;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestService;
import io.certdesk.revocation.RevocationService;
import io.certdesk.trust.ChainCheck;
import io.certdesk.trust.ClientCertificateBlocks;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * EST (RFC 7030) for clients that hold a certdesk certificate: the CA certificates, the CSR attributes, and
 * enrollment. A re-enrollment (same subject, new key) inside the renewal window is issued at once through the
 * {@code estEnrollment} process; anything else waits for an approver and the client asks again with the same CSR.
 */
@Service
public class EstService {

    static final String SIMPLE_REENROLL = "simplereenroll";
    static final String SIMPLE_ENROLL = "simpleenroll";

    private final CertificateAuthorities authorities;
    private final CertificateInventory inventory;
    private final Organizations organizations;
    private final RequestService requests;
    private final EstEnrollments enrollments;
    private final RuntimeService runtime;
    private final EstSettings settings;
    private final Clock clock;
    private final String supportAddress;
    private final ClientCertificateBlocks blocks;
    private final RevocationService revocations;

    public EstService(CertificateAuthorities authorities, CertificateInventory inventory, Organizations organizations,
                      RequestService requests, EstEnrollments enrollments, RuntimeService runtime, EstSettings settings, Clock clock,
                      CertdeskProperties properties, ClientCertificateBlocks blocks, RevocationService revocations) {
        this.blocks = blocks;
        this.revocations = revocations;
        this.authorities = authorities;
        this.inventory = inventory;
        this.organizations = organizations;
        this.requests = requests;
        this.enrollments = enrollments;
        this.runtime = runtime;
        this.settings = settings;
        this.clock = clock;
        this.supportAddress = properties.supportAddress();
    }

    /** {@code /cacerts}: the environment's CA certificate as a certs-only PKCS#7 (RFC 7030, 4.1.3). */
    public EstAnswer caCertificates(String environment) {
        // during a CA rollover's overlap, the issuing CA and the previous one (RFC 7030 4.1.3: the current CA certificates)
        return EstAnswer.base64("application/pkcs7-mime", certsOnly(authorities.trusted(environment).stream()
                .map(CertificateAuthority::certificate).toList()));
    }

    /**
     * {@code /csrattrs}: what certdesk signs (RFC 7030, 4.5.2): an EC key on P-384 or P-256 and ECDSA with SHA-384;
     * RSA keys of 2048 bits and more are accepted too. The subject is the current certificate's.
     */
    public EstAnswer csrAttributes() {
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(new Attribute(X9ObjectIdentifiers.id_ecPublicKey,
                new DERSet(new ASN1Encodable[]{SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp256r1})));
        attributes.add(X9ObjectIdentifiers.ecdsa_with_SHA384);
        try {
            return EstAnswer.base64("application/csrattrs", new DERSequence(attributes).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the CSR attributes", e);
        }
    }

    /**
     * {@code /simplereenroll} and {@code /simpleenroll}: the client certificate of the TLS handshake authenticates,
     * the body is a base64 PKCS#10. The same certificate and CSR always get the same answer.
     */
    @Transactional
    public EstAnswer enroll(String environment, String operation, X509Certificate[] clientChain, String contentType, byte[] body) {
        boolean reenroll = SIMPLE_REENROLL.equals(operation);
        if (clientChain == null || clientChain.length == 0) {
            return EstAnswer.text(401, "CLIENT_CERTIFICATE_MISSING: " + operation + " needs your current certdesk certificate for "
                    + environment + " in the TLS handshake (curl --cert client-cert.pem --key client-key.pem, pki --est --cert ... --key ...). "
                    + "New clients request their first certificate by mail to " + supportAddress + ".");
        }
        IssuedCertificate current;
        try {
            current = authenticate(environment, clientChain[0]);
        } catch (Refused refused) {
            return EstAnswer.text(403, refused.getMessage());
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/pkcs10")) {
            return EstAnswer.text(415, "CONTENT_TYPE: send the CSR as Content-Type: application/pkcs10, base64 DER (RFC 7030, 4.2.1); got "
                    + (contentType == null ? "none" : contentType.replaceAll("[^\\x20-\\x7E]", "?")) + ".");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = readCsr(body);
        } catch (Refused refused) {
            return EstAnswer.text(400, refused.getMessage());
        }
        // before anything is looked up: a CSR that does not prove its key learns nothing about that key
        switch (CsrFacts.proofOfPossession(csr)) {
            case FAILED -> {
                return EstAnswer.text(400, "CSR_SIGNATURE_INVALID: the CSR's signature does not verify with the public key inside it.\n"
                        + "  Fix: make the CSR again from your new key (openssl req -new -key <new key> ...) and send it unchanged.");
            }
            case NOT_CHECKED -> {
                return EstAnswer.text(400, "KEY_NOT_ALLOWED: certdesk checks no signature made with the CSR's key ("
                        + CsrFacts.of(csr).keyDescription() + "): certdesk certifies RSA keys with the exponent 65537 and EC keys "
                        + "on named curves, the kinds key tools make by default.\n  Fix: "
                        + RotationCommands.newKeyCommand(current.certificatePem())[0] + ", then a new CSR from it.");
            }
            case PROVEN -> {
            }
        }
        String csrSha256 = Fingerprints.sha256Hex(encoded(csr));
        // from here on the certificate's row is locked: its enrollments and its revocation take turns, and what it is
        // now is read again (a concurrent enrollment may have superseded it, a revocation revoked it)
        try {
            current = standing(clientChain[0], inventory.findBySerialForUpdate(current.serial()).orElseThrow());
        } catch (Refused refused) {
            return EstAnswer.text(403, refused.getMessage());
        }
        Optional<Long> earlier = enrollments.find(current.serial(), csrSha256);
        if (earlier.isPresent()) {
            return answer(requests.get(earlier.get()));
        }
        if (revocations.pending(current.serial())) {
            return EstAnswer.text(403, "REVOCATION_PENDING: certificate " + current.serial() + " is being revoked; it renews nothing while "
                    + "that is decided. If the revocation is a mistake, ask " + supportAddress + "; otherwise request a new certificate by mail.");
        }
        if (current.status() != IssuedCertificate.Status.ACTIVE) {
            return EstAnswer.text(403, "CERTIFICATE_SUPERSEDED: certificate " + current.serial() + " was already renewed"
                    + (current.supersededBy() == null ? "" : " by certificate " + current.supersededBy())
                    + "; re-enroll with that one. The same CSR sent again gets its certificate again.");
        }
        Optional<String> pending = enrollments.pending(current.serial());
        if (pending.isPresent()) {
            return EstAnswer.text(409, "REQUEST_PENDING: request " + pending.get() + " of certificate " + current.serial()
                    + " waits for an approver; one request per certificate at a time. Send that same CSR again to fetch its answer.")
                    .withHeader("Retry-After", String.valueOf(settings.retryAfter().toSeconds()));
        }
        List<String> problems = new ArrayList<>();
        String subject = signableSubject(csr);
        if (reenroll && subject != null && !subject.equals(current.subject())) {
            problems.add("SUBJECT_CHANGED: the CSR's subject \"" + shown(subject) + "\" is not the certificate's \"" + current.subject()
                    + "\". Re-enrollment keeps the subject; a different subject is a new request, by mail.\n  Fix: openssl req -new -key "
                    + "<new key> -out client.csr -subj \"" + RotationCommands.subjectForOpenssl(current.subject()) + "\"");
        }
        // the key in every encoding it can have (an EC point compressed or not, RSA parameters NULL or absent): a
        // certificate's key in any of them is reuse
        List<String> keyHashes = PublicKeyHashes.ofEveryEncoding(csr.getSubjectPublicKeyInfo());
        String keySha256 = keyHashes.get(0);
        List<IssuedCertificate> sameKey = inventory.findWithKey(keyHashes);
        if (!sameKey.isEmpty()) {
            problems.add("KEY_REUSED: the CSR's public key (SHA-256 " + keySha256 + ") is the key of certificate "
                    + sameKey.get(0).serial() + ". " + (reenroll ? "Re-enrollment" : "A new certificate") + " needs a new key.\n  Fix: "
                    + RotationCommands.newKeyCommand(current.certificatePem())[0] + ", then a new CSR from it.");
        }
        if (!problems.isEmpty()) {
            return EstAnswer.text(400, String.join("\n", problems));
        }
        Instant now = clock.instant();
        // every new CSR is kept with its request and process history, refused or not: a certificate that asks again and
        // again (a fresh key each time, each refused by the policy) would fill the database
        List<Instant> lastDay = enrollments.madeSince(current.serial(), now.minus(Duration.ofDays(1)));
        if (lastDay.size() >= settings.requestsPerDay()) {
            long wait = Math.max(1, Duration.between(now, lastDay.get(lastDay.size() - settings.requestsPerDay()).plus(Duration.ofDays(1)))
                    .toSeconds());
            return EstAnswer.text(429, "TOO_MANY_REQUESTS: certificate " + current.serial() + " made " + lastDay.size()
                    + " new requests in the last 24 hours, the most one certificate may make. Asking again with a CSR already sent "
                    + "still fetches its answer; a new CSR can be sent in " + wait + " seconds. If something keeps refusing your "
                    + "CSRs, the answers above say why; ask " + supportAddress + " for help.")
                    .withHeader("Retry-After", String.valueOf(wait));
        }
        String company = organizations.find(current.organizationId()).map(Organizations.Organization::companyName).orElse(null);
        CertificateRequest request = requests.registerEst(reenroll ? CertificateRequest.EST_REENROLL : CertificateRequest.EST_ENROLL,
                current.serial(), current.organizationId(), company, environment, encoded(csr));
        enrollments.insert(current.serial(), csrSha256, request.estKind(), environment, request.id(), now);
        runtime.startProcessInstanceByKey(EstProcess.KEY, request.reference(), Map.of(
                OnboardingProcess.REQUEST_ID, request.id(),
                OnboardingProcess.REQUEST_REFERENCE, request.reference()));
        return answer(requests.get(request.id()));
    }

    /**
     * The client's certificate, if it may enroll here: issued by this environment's CA, in the inventory, a
     * client's, not revoked, within its validity. Superseded certificates pass: they may fetch what they asked for.
     */
    IssuedCertificate authenticate(String environment, X509Certificate presented) throws Refused {
        String who = presented.getSubjectX500Principal().getName() + " (serial " + SerialNumbers.hex(presented.getSerialNumber()) + ")";
        var block = blocks.find(ChainCheck.fingerprint(presented));
        if (block.isPresent()) {
            throw new Refused("CERTIFICATE_BLOCKED: " + who + " was blocked by an administrator on " + block.get().blockedAt()
                    + "; it renews nothing. Ask " + supportAddress + ".");
        }
        if (!issuedByThisEnvironmentsCa(environment, presented)) {
            throw new Refused("CERTIFICATE_NOT_ISSUED_HERE: " + who + ", issued by " + presented.getIssuerX500Principal().getName()
                    + ", was not issued by certdesk's " + environment + " CA. EST is for certdesk's own " + environment
                    + " certificates; partner-CA certificates and new clients request a certificate by mail to " + supportAddress + ".");
        }
        IssuedCertificate known = inventory.findBySerial(SerialNumbers.hex(presented.getSerialNumber()))
                .filter(c -> c.environment().equals(environment))
                .filter(c -> c.publicKeySha256().equals(Fingerprints.sha256Hex(writtenKey(presented))))
                .orElseThrow(() -> new Refused("CERTIFICATE_UNKNOWN: " + who + " is not in certdesk's inventory for " + environment + "."));
        if (known.organizationId().startsWith("certdesk/")) {
            throw new Refused("CERTIFICATE_NOT_A_CLIENT: " + who + " is one of certdesk's own certificates, not a client's.");
        }
        return standing(presented, known);
    }

    /** The certificate's public key as written in it (a provider may write a key it read in another form). */
    private static byte[] writtenKey(X509Certificate certificate) {
        try {
            return org.bouncycastle.asn1.x509.Certificate.getInstance(certificate.getEncoded()).getSubjectPublicKeyInfo().getEncoded();
        } catch (CertificateEncodingException | IOException | RuntimeException unreadable) {
            return new byte[0];
        }
    }

    /** The inventory's record of the presented certificate, if it may act now: not revoked, within its validity. */
    private IssuedCertificate standing(X509Certificate presented, IssuedCertificate known) throws Refused {
        String who = presented.getSubjectX500Principal().getName() + " (serial " + SerialNumbers.hex(presented.getSerialNumber()) + ")";
        if (known.status() == IssuedCertificate.Status.REVOKED) {
            String when = inventory.revocation(known.serial()).map(r -> " on " + r.revokedAt() + " (" + r.reason() + ")").orElse("");
            throw new Refused("CERTIFICATE_REVOKED: " + who + " was revoked" + when + " and cannot renew itself. Request a new "
                    + "certificate by mail to " + supportAddress + ".");
        }
        Instant now = clock.instant();
        if (known.status() == IssuedCertificate.Status.EXPIRED || !now.isBefore(known.notAfter())) {
            throw new Refused("CERTIFICATE_EXPIRED: " + who + " expired on " + known.notAfter() + " and cannot renew itself. Request a "
                    + "new certificate by mail to " + supportAddress + ".");
        }
        if (now.isBefore(known.notBefore())) {
            throw new Refused("CERTIFICATE_NOT_YET_VALID: " + who + " is valid from " + known.notBefore() + ".");
        }
        return known;
    }

    /** Whether this environment's CA signed the certificate (the one place that knows which CA that is). */
    boolean issuedByThisEnvironmentsCa(String environment, X509Certificate certificate) {
        // any generation still trusted: the issuing CA, or the previous one during a rollover's overlap
        return authorities.signerOf(environment, certificate).filter(ca -> authorities.trusted(environment).contains(ca)).isPresent();
    }

    /** What the request's state means to an EST client. */
    private EstAnswer answer(CertificateRequest request) {
        switch (request.status()) {
            case ISSUED, DELIVERED -> {
                IssuedCertificate issued = inventory.findBySerial(request.certificateSerial())
                        .orElseThrow(() -> new IllegalStateException(request.reference() + " has no certificate"));
                return EstAnswer.base64(EstAnswer.CERTS_ONLY, certsOnly(List.of(certificate(issued.certificatePem()))));
            }
            case REJECTED_BY_POLICY -> {
                StringBuilder text = new StringBuilder("Request " + request.reference() + " was refused:\n");
                for (PolicyFinding error : request.errors()) {
                    text.append(error.code()).append(": ").append(error.message()).append('\n');
                    if (error.fix() != null && !error.fix().isBlank()) {
                        text.append("  Fix: ").append(error.fix()).append('\n');
                    }
                }
                return EstAnswer.text(400, text.toString());
            }
            case REJECTED -> {
                return EstAnswer.text(403, "REJECTED: request " + request.reference() + " was rejected by an approver: "
                        + request.decisionReason());
            }
            default -> {
                long seconds = settings.retryAfter().toSeconds();
                return EstAnswer.text(202, "Request " + request.reference() + " waits for an approver. Send the same CSR again in "
                        + seconds + " seconds or later to fetch the certificate.").withHeader("Retry-After", String.valueOf(seconds));
            }
        }
    }

    /** The body: base64 DER (RFC 7030), or PEM as a courtesy; never anything holding a private key. */
    private static PKCS10CertificationRequest readCsr(byte[] body) throws Refused {
        if (body == null || body.length == 0) {
            throw new Refused("CSR_UNREADABLE: the body is empty; send the CSR as base64 DER (openssl req -outform DER | base64).");
        }
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.contains("PRIVATE KEY")) {
            throw new Refused("PRIVATE_KEY_EXPOSED: the body holds a private key. A private key must never leave your systems: nothing"
                    + " of this request was kept; treat that key as compromised, make a new key and CSR, and send only the CSR.");
        }
        byte[] der;
        if (CsrParser.containsPem(text)) {
            der = body;
        } else {
            try {
                der = Base64.getMimeDecoder().decode(text.replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new Refused("CSR_UNREADABLE: the body is not base64 (RFC 7030 sends the PKCS#10 DER in base64): " + e.getMessage());
            }
        }
        try {
            return CsrParser.parse(der);
        } catch (CsrFormatException e) {
            throw new Refused("CSR_UNREADABLE: " + e.getMessage());
        }
    }

    private static String signableSubject(PKCS10CertificationRequest csr) {
        try {
            return CertificateSubject.of(csr.getSubject()).text();
        } catch (CertificateSubject.NotAllowed e) {
            return null;  // the policy names what is wrong with it
        }
    }

    private static String shown(String value) {
        return Quoted.shown(value, 200);
    }

    static byte[] certsOnly(List<X509Certificate> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certificates));
            return generator.generate(new CMSAbsentContent()).getEncoded();
        } catch (CMSException | IOException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot build the certs-only PKCS#7", e);
        }
    }

    private static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("unreadable certificate in the inventory", e);
        }
    }

    private static byte[] encoded(PKCS10CertificationRequest csr) {
        try {
            return csr.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why a client or its CSR is refused, as the answer's text. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }
}
