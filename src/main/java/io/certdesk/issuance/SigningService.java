package io.certdesk.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateSubject;
import io.certdesk.authority.ClientCertificateIssuer;
import io.certdesk.authority.Fingerprints;
import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.CompromisedKeys;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.KeyLocks;
import io.certdesk.inventory.Organizations;
import io.certdesk.lifecycle.LifecycleService;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.CsrFormatException;
import io.certdesk.request.CsrParser;
import io.certdesk.request.RequestRepository;
import io.certdesk.request.RequestService;
import io.certdesk.revocation.RevocationService;
import io.micrometer.core.instrument.MeterRegistry;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The issuance use case: signs an approved request with its environment's issuing CA, records the certificate
 * (with the CA generation that signed it), schedules its reminders, supersedes what it renews and records the
 * organization's contacts. Signing twice for one
 * request is impossible: a request that already has a certificate gets that certificate back.
 */
@Service
public class SigningService {

    private final RequestService requests;
    private final RequestRepository requestRepository;
    private final CertificateInventory inventory;
    private final Organizations organizations;
    private final CertificateAuthorities authorities;
    private final ClientCertificateIssuer issuer = new ClientCertificateIssuer();
    private final LifecycleService lifecycle;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RevocationService revocations;
    private final CompromisedKeys compromisedKeys;
    private final KeyLocks keyLocks;

    public SigningService(RequestService requests, RequestRepository requestRepository, CertificateInventory inventory,
                          Organizations organizations, CertificateAuthorities authorities, LifecycleService lifecycle, Clock clock,
                          MeterRegistry metrics, RevocationService revocations, CompromisedKeys compromisedKeys,
                          KeyLocks keyLocks) {
        this.keyLocks = keyLocks;
        this.compromisedKeys = compromisedKeys;
        this.metrics = metrics;
        this.revocations = revocations;
        this.lifecycle = lifecycle;
        this.requests = requests;
        this.requestRepository = requestRepository;
        this.inventory = inventory;
        this.organizations = organizations;
        this.authorities = authorities;
        this.clock = clock;
    }

    @Transactional
    public IssuedCertificate sign(long requestId) {
        CertificateRequest request = requests.get(requestId);
        var existing = inventory.findByRequestReference(request.reference());
        if (existing.isPresent()) {
            return existing.get();
        }
        if (request.status() != CertificateRequest.Status.APPROVED) {
            throw new IllegalStateException(request.reference() + " is " + request.status() + ", not APPROVED: not signing");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = CsrParser.parse(request.csrPem().getBytes(StandardCharsets.UTF_8));
        } catch (CsrFormatException e) {
            throw new IllegalStateException(request.reference() + ": stored CSR unreadable", e);
        }
        // the key's lock, held until this commits: a keyCompromise revocation of the key on another node either
        // committed before (and is seen here) or waits, and then finds what this signs. Taken before any row is
        // locked below (the client certificate's, what this renews), in the order a revocation takes them.
        keyLocks.lock(List.of(PublicKeyHashes.keyId(csr.getSubjectPublicKeyInfo())));
        if (request.overEst()) {
            // asked on the authority of a client certificate: that certificate must still stand when signing (its
            // row stays locked until this commits, so a revocation waits and then sees what was issued)
            String clientSerial = request.estClientSerial();
            IssuedCertificate client = inventory.findBySerialForUpdate(clientSerial)
                    .orElseThrow(() -> new IllegalStateException(request.reference() + ": client certificate " + clientSerial + " is unknown"));
            if (client.status() == IssuedCertificate.Status.REVOKED) {
                throw new IllegalStateException(request.reference() + " was asked for over EST by certificate " + clientSerial
                        + ", which has been revoked since: not signing");
            }
            if (revocations.pending(clientSerial)) {
                // decided either way, the request is closed (revoked) or this step is retried (revocation declined)
                throw new IllegalStateException(request.reference() + " was asked for over EST by certificate " + clientSerial
                        + ", whose revocation waits for an approver: not signing until that is decided");
            }
        }
        if (compromisedKeys.any(PublicKeyHashes.ofEveryEncoding(csr.getSubjectPublicKeyInfo()))) {
            throw new IllegalStateException(request.reference() + ": its key became known as compromised (a certificate with it "
                    + "revoked for keyCompromise, or its private key mailed) after the request was checked: not signing");
        }
        // proof of possession was verified when the request was validated; what is signed must be the key the
        // approver saw (verifying the signature again would cost more than signing with an EC CA)
        String publicKeySha256 = Fingerprints.sha256Hex(encoded(csr.getSubjectPublicKeyInfo()));
        if (!publicKeySha256.equals(request.publicKeySha256())) {
            throw new IllegalStateException(request.reference() + ": stored CSR no longer matches what was approved");
        }
        // the subject is built again from the stored CSR by the function that built what the approver saw, and
        // must be exactly that
        CertificateSubject subject;
        try {
            subject = CertificateSubject.of(csr.getSubject());
        } catch (CertificateSubject.NotAllowed e) {
            throw new IllegalStateException(request.reference() + ": stored CSR's subject cannot be signed: " + e.getMessage(), e);
        }
        if (!subject.text().equals(request.subject())) {
            throw new IllegalStateException(request.reference() + ": the subject to sign is not the subject that was approved");
        }
        CertificateAuthority ca = authorities.get(request.environment());
        Instant now = clock.instant();
        BigInteger serial = SerialNumbers.next();
        X509Certificate certificate = issuer.issue(ca, authorities.profile(ca), subject,
                csr.getSubjectPublicKeyInfo(), serial, now);
        IssuedCertificate issued = new IssuedCertificate(SerialNumbers.hex(serial), request.environment(), request.reference(),
                request.organizationId(), subject.text(), publicKeySha256,
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                IssuedCertificate.Status.ACTIVE, Pem.encode(certificate), now, null, null);
        inventory.record(issued, ca.generation());
        lifecycle.scheduleReminders(issued);
        for (String renewed : request.renewalOf()) {
            lifecycle.supersede(renewed, issued.serial());
        }
        organizations.ensure(request.organizationId(), request.companyName(), now);
        String contact = request.technicalContactEmail() != null ? request.technicalContactEmail() : request.senderEmail();
        String contactName = request.technicalContactEmail() != null ? request.technicalContactName() : request.senderName();
        if (!request.overEst()) {
            // a request over EST names no one: the organization's contacts stay as they are
            organizations.addContact(request.organizationId(), contact, contactName, Organizations.TECHNICAL, now);
            organizations.addContact(request.organizationId(), request.senderEmail(), request.senderName(), Organizations.REQUESTER, now);
        }
        requestRepository.recordIssued(requestId, issued.serial());
        metrics.counter("certdesk.certificates.issued", "environment", issued.environment()).increment();
        return issued;
    }

    private static byte[] encoded(SubjectPublicKeyInfo key) {
        try {
            return key.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("unencodable public key", e);
        }
    }
}
