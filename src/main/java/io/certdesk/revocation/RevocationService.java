package io.certdesk.revocation;

import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.certdesk.authority.Pem;
import io.certdesk.authority.PublicKeyHashes;
import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.CompromisedKeys;
import io.certdesk.inventory.KeyLocks;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.MailAuthenticity;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Revocation requests and the revocation itself. A client's request needs an approver; a key compromise
 * reported by an admin or detected by certdesk goes straight through.
 */
@Service
public class RevocationService {

    /** Who asked. */
    public enum Source { ADMIN, CONTACT, DETECTION, SYSTEM }

    /** Why a request cannot be carried out, in words for whoever asked. */
    public static class Refused extends RuntimeException {
        private final boolean alreadyRevoked;

        Refused(String message, boolean alreadyRevoked) {
            super(message);
            this.alreadyRevoked = alreadyRevoked;
        }

        public boolean alreadyRevoked() {
            return alreadyRevoked;
        }
    }

    private final CertificateInventory inventory;
    private final RequestRepository requests;
    private final Organizations organizations;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final JdbcClient jdbc;
    private final CompromisedKeys compromisedKeys;
    private final KeyLocks keyLocks;

    public RevocationService(CertificateInventory inventory, RequestRepository requests, Organizations organizations, RuntimeService runtime,
                             ManagementService management, Clock clock, MeterRegistry metrics, JdbcClient jdbc,
                             CompromisedKeys compromisedKeys, KeyLocks keyLocks) {
        this.compromisedKeys = compromisedKeys;
        this.keyLocks = keyLocks;
        this.jdbc = jdbc;
        this.management = management;
        this.requests = requests;
        this.metrics = metrics;
        this.inventory = inventory;
        this.organizations = organizations;
        this.runtime = runtime;
        this.clock = clock;
    }

    /** A certificate by serial (hex, colons allowed) or by the reference of the request it was issued for. */
    public Optional<IssuedCertificate> find(String serialOrReference) {
        if (serialOrReference == null || serialOrReference.isBlank()) {
            return Optional.empty();
        }
        String value = serialOrReference.trim();
        if (value.toUpperCase(Locale.ROOT).startsWith("CR-")) {
            return inventory.findByRequestReference(value.toUpperCase(Locale.ROOT));
        }
        String hex = value.replace(":", "").replaceFirst("^(?i)0x", "").replaceFirst("^0+(?=.)", "").toUpperCase(Locale.ROOT);
        return hex.matches("[0-9A-F]{1,64}") ? inventory.findBySerial(hex) : Optional.empty();
    }

    /**
     * Whether a revocation of this certificate was checked and waits for an approver or to be carried out (one being
     * refused, or still unchecked, does not count: anyone may mail a revocation request).
     */
    public boolean pending(String serial) {
        // asked at every EST request and every signing: one indexed lookup in the engine's execution table, where the
        // engine's process instance query spends milliseconds assembling its generic SQL (the same conditions: the
        // revocation process of this business key, with an execution that is not an event scope at either activity)
        return jdbc.sql("""
                        select count(*) from ACT_RU_EXECUTION PI
                        join ACT_RE_PROCDEF P on P.ID_ = PI.PROC_DEF_ID_
                        where PI.BUSINESS_KEY_ = ? and PI.ID_ = PI.PROC_INST_ID_ and P.KEY_ = ?
                          and exists (select 1 from ACT_RU_EXECUTION EXE where EXE.PROC_INST_ID_ = PI.ID_
                                      and EXE.IS_EVENT_SCOPE_ = ? and EXE.ACT_ID_ in (?, ?))""")
                .params(serial, RevocationProcess.KEY, false, RevocationProcess.APPROVE_REVOCATION, RevocationProcess.REVOKE_CERTIFICATE)
                .query(Long.class).single() > 0;
    }

    private boolean revokedForKeyCompromise(IssuedCertificate certificate) {
        return certificate.status() == IssuedCertificate.Status.REVOKED && inventory.revocation(certificate.serial())
                .map(r -> RevocationReason.KEY_COMPROMISE.rfcName().equals(r.reason())).orElse(false);
    }

    /**
     * Checks a request and returns the certificate it is about; refuses unknown or already revoked ones. A key
     * compromise is the exception: it is taken for a certificate revoked for another reason or expired, since what
     * the key obtained over EST must still be reached, and relying parties should see the reason that matters.
     */
    public IssuedCertificate check(String certificate, RevocationReason reason, Source source, String requestedBy) {
        IssuedCertificate found = find(certificate).orElse(null);
        if (source == Source.CONTACT && (found == null || !organizations.contacts(found.organizationId()).stream()
                .anyMatch(c -> Organizations.TECHNICAL.equals(c.role()) && c.email().equalsIgnoreCase(requestedBy)))) {
            // the refusal goes to the mail's From: to anyone but a contact of the certificate's organization it tells
            // nothing of the certificate, neither whose it is, nor its serial, nor whether it is still valid
            throw new Refused("None of the certificates of an organization whose registered technical contact you are ("
                    + requestedBy + ") has the serial or request reference " + shownTarget(certificate) + ". Only a "
                    + "registered technical contact of a certificate's organization can ask to revoke it: check the "
                    + "reference in your delivery mail, or ask your organization's technical contact.", false);
        }
        if (found == null) {
            throw new Refused("No certificate issued by certdesk has the serial or request reference " + shownTarget(certificate) + ".", false);
        }
        boolean compromiseNews = reason == RevocationReason.KEY_COMPROMISE && !revokedForKeyCompromise(found);
        if ((found.status() == IssuedCertificate.Status.REVOKED || found.status() == IssuedCertificate.Status.EXPIRED) && !compromiseNews) {
            throw new Refused("Certificate " + found.serial() + " is already " + found.status().name().toLowerCase(Locale.ROOT) + ".", true);
        }
        return found;
    }

    /**
     * The Revoke: line's value as the refusal may repeat it: the refusal goes to the mail's From, perhaps someone
     * else's address, so only what looks like a serial or a request reference is quoted back.
     */
    private static String shownTarget(String certificate) {
        return Quoted.serialOrReference(certificate) != null ? "\"" + certificate + "\"" : "given in the mail";
    }

    /**
     * Whether an approver decides: always for a contact's request, for any reason but a key compromise otherwise. A
     * key found in a mail that belongs to a certificate already revoked or expired (an old backup) waits for one too:
     * its revocation would also revoke what that key obtained over EST, perhaps long before it leaked.
     */
    public static boolean approvalNeeded(Source source, RevocationReason reason, IssuedCertificate certificate) {
        if (source == Source.SYSTEM) {
            return false;
        }
        if (source == Source.DETECTION && (certificate.status() == IssuedCertificate.Status.REVOKED
                || certificate.status() == IssuedCertificate.Status.EXPIRED)) {
            return true;
        }
        return source == Source.CONTACT || reason != RevocationReason.KEY_COMPROMISE;
    }

    /**
     * A contact's mail asking for a revocation, from an organization that requires DKIM, must be authenticated: its
     * From alone is anyone's to write, and a forged request would stop the certificate's renewals while an approver
     * decides. A mail that was not checked ({@code authenticated} null: checking is off) is not authenticated either.
     * The refusal goes to the contact's address, perhaps about a mail they never sent: it says so, in certdesk's own
     * words only (what DKIM found quotes the sender's headers, and is for approvers).
     */
    public void checkMailAuthenticity(IssuedCertificate certificate, Boolean authenticated) {
        if (!Boolean.TRUE.equals(authenticated) && organizations.requiresDkim(certificate.organizationId())) {
            throw new Refused(certificate.organizationId() + " requires its mail to certdesk to be DKIM-signed by the sender's domain, "
                    + "and this mail asking to revoke certificate " + certificate.serial() + " is not, so nothing was revoked. If you did "
                    + "not send it, someone wrote your address as its sender: your certificate is unaffected. If you did, send it again "
                    + "from your organization's own mail server, which signs its mail with DKIM, and do not forward it: forwarding or "
                    + "changing a mail breaks its signature.", false);
        }
    }

    /** Starts a revocation process; the process itself checks the request and answers whoever asked. */
    public String start(String certificate, RevocationReason reason, Source source, String requestedBy, String replyTo) {
        return start(certificate, reason, source, requestedBy, replyTo, null);
    }

    /** The same for a contact's mail, with what DKIM said about it (null when mail is not checked). */
    public String start(String certificate, RevocationReason reason, Source source, String requestedBy, String replyTo,
                        MailAuthenticity mail) {
        Map<String, Object> variables = new HashMap<>();
        if (mail != null) {
            variables.put(RevocationProcess.MAIL_AUTHENTICATED, mail.authenticated());
            // what DKIM found quotes the sender's own headers: shown to approvers as text, and bounded
            variables.put(RevocationProcess.MAIL_AUTHENTICITY, Quoted.shown(mail.detail(), 300));
        }
        variables.put(RevocationProcess.CERTIFICATE, certificate);
        variables.put(RevocationProcess.REASON, reason.rfcName());
        variables.put(RevocationProcess.SOURCE, source.name());
        variables.put(RevocationProcess.REQUESTED_BY, requestedBy);
        variables.put(RevocationProcess.REPLY_TO, replyTo);
        String businessKey = find(certificate).map(IssuedCertificate::serial).orElse(certificate);
        return runtime.startProcessInstanceByKey(RevocationProcess.KEY, businessKey, variables).getId();
    }

    /**
     * Revokes; false when it was revoked meanwhile, so nobody is told twice and the CRL lists it once. What the
     * certificate asked for over EST and is not signed yet is closed: its authority is gone. After a key compromise,
     * the certificates it renewed or added over EST are revoked too, since whoever held its key could have asked
     * for them, and so is every other certificate with the same key (another environment, a renewal that kept the
     * key): the key is recorded as compromised and never certified again.
     */
    @Transactional
    public boolean revoke(String serial, RevocationReason reason, String revokedBy) {
        // marking it revoked locks its row: an EST enrollment or a signing on its authority that runs now finishes
        // first, and what it issued is seen below. A key compromise takes the key's lock before that row, in the
        // order signing takes them (key, then the rows of what it renews), so the two never wait for each other.
        Optional<SubjectPublicKeyInfo> key = Optional.empty();
        if (reason == RevocationReason.KEY_COMPROMISE) {
            key = inventory.findBySerial(serial).map(RevocationService::subjectPublicKeyInfo);
            key.ifPresent(compromised -> keyLocks.lock(List.of(PublicKeyHashes.keyId(compromised))));
        }
        Instant now = clock.instant();
        boolean revoked = inventory.markRevoked(serial, reason.rfcName(), now, revokedBy)
                || reason == RevocationReason.KEY_COMPROMISE && inventory.markKeyCompromised(serial, now, revokedBy);
        if (!revoked) {
            return false;
        }
        metrics.counter("certdesk.certificates.revoked", "reason", reason.rfcName()).increment();
        closeOpenEstRequests(serial, reason);
        if (reason == RevocationReason.KEY_COMPROMISE) {
            revokeWhatItObtainedOverEst(serial, serial, new HashSet<>());
            revokeTheSameKeysOtherCertificates(serial, key.orElseThrow(), now);
        }
        return true;
    }

    /**
     * Records the key of {@code serial} as compromised and starts a keyCompromise revocation of every other
     * certificate certdesk issued with it: active, superseded, or revoked for another reason. Each of those carries
     * the cascade on to what it obtained over EST; for an expired one, what it obtained is revoked directly (whoever
     * held the key could have renewed over EST with it while it was valid).
     */
    private void revokeTheSameKeysOtherCertificates(String serial, SubjectPublicKeyInfo key, Instant now) {
        // the key's lock is held (see revoke) until this commits: a signing of the key that ran meanwhile finished
        // first and its certificate is found below, or it waits and then sees the key recorded as compromised
        List<String> hashes = PublicKeyHashes.ofEveryEncoding(key);
        compromisedKeys.record(hashes, CompromisedKeys.Kind.REVOKED, "certificate " + serial + " revoked for keyCompromise", now);
        Set<String> seen = new HashSet<>(Set.of(serial));
        for (IssuedCertificate sameKey : inventory.findIssuedWithKey(hashes)) {
            if (!seen.add(sameKey.serial()) || revokedForKeyCompromise(sameKey)) {
                continue;
            }
            if (sameKey.status() == IssuedCertificate.Status.EXPIRED) {
                revokeWhatItObtainedOverEst(sameKey.serial(), sameKey.serial(), seen);
            } else {
                start(sameKey.serial(), RevocationReason.KEY_COMPROMISE, Source.SYSTEM, "certdesk (same key as certificate "
                        + serial + ", revoked for keyCompromise)", null);
            }
        }
    }

    /**
     * Starts a keyCompromise revocation of every certificate {@code serial} renewed or added over EST; each carries
     * the cascade on to its own. An expired one is passed through to what it obtained in turn.
     */
    private void revokeWhatItObtainedOverEst(String compromised, String serial, Set<String> seen) {
        for (String obtained : requests.issuedOverEstBy(serial)) {
            if (!seen.add(obtained)) {
                continue;
            }
            IssuedCertificate certificate = inventory.findBySerial(obtained).orElse(null);
            if (certificate == null || revokedForKeyCompromise(certificate)) {
                continue;
            }
            if (certificate.status() == IssuedCertificate.Status.EXPIRED) {
                revokeWhatItObtainedOverEst(compromised, obtained, seen);
            } else {
                start(obtained, RevocationReason.KEY_COMPROMISE, Source.SYSTEM, "certdesk (issued over EST on the authority of certificate "
                        + compromised + ", whose key was compromised)", null);
            }
        }
    }

    /**
     * A revocation of {@code serial} was declined: signing what it asked for over EST, which failed while that
     * revocation was pending, is taken up again at once (its incident resolved).
     */
    public void releaseEstRequestsOf(String serial) {
        for (CertificateRequest open : requests.openOverEstBy(serial)) {
            for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(open.reference()).list()) {
                for (Job failed : management.createJobQuery().processInstanceId(instance.getId()).withException().list()) {
                    management.setJobRetries(failed.getId(), 1);
                    management.setJobDuedate(failed.getId(), Date.from(clock.instant()));
                }
            }
        }
    }

    private void closeOpenEstRequests(String serial, RevocationReason reason) {
        for (CertificateRequest open : requests.openOverEstBy(serial)) {
            String why = "certificate " + serial + ", which asked for it over EST, was revoked (" + reason.rfcName() + ")";
            if (requests.recordClosed(open.id(), "certdesk (revocation of certificate " + serial + ")", why, clock.instant())) {
                for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(open.reference()).list()) {
                    runtime.deleteProcessInstance(instance.getId(), "Closed: " + why, true, true);
                }
            }
        }
    }

    /** Everyone to tell about a certificate of the organization: its technical contacts. */
    public List<String> contactsOf(IssuedCertificate certificate) {
        return organizations.contacts(certificate.organizationId()).stream()
                .filter(c -> Organizations.TECHNICAL.equals(c.role())).map(Organizations.Contact::email).distinct().toList();
    }

    private static SubjectPublicKeyInfo subjectPublicKeyInfo(IssuedCertificate certificate) {
        try {
            return Certificate.getInstance(Pem.certificate(certificate.certificatePem()).getEncoded()).getSubjectPublicKeyInfo();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate " + certificate.serial() + " cannot be read", e);
        }
    }

    /**
     * Records these public keys as compromised (their private keys were found in {@code detectedIn}) and starts a
     * keyCompromise revocation for every certificate with one of them.
     */
    @Transactional
    public int revokeExposed(List<String> publicKeyHashes, String detectedIn) {
        // the hashes include each key's key id: a signing of one of these keys finishes first or sees the record
        keyLocks.lock(publicKeyHashes);
        compromisedKeys.record(publicKeyHashes, CompromisedKeys.Kind.EXPOSED, "private key found in " + detectedIn, clock.instant());
        int started = 0;
        for (IssuedCertificate certificate : inventory.findWithKey(publicKeyHashes)) {
            if (!revokedForKeyCompromise(certificate)) {
                start(certificate.serial(), RevocationReason.KEY_COMPROMISE, Source.DETECTION,
                        "certdesk (private key found in " + detectedIn + ")", null);
                started++;
            }
        }
        return started;
    }
}
