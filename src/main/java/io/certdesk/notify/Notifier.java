package io.certdesk.notify;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.certdesk.authority.Fingerprints;
import io.certdesk.inventory.Organizations;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.Quoted;
import io.certdesk.request.RequestService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every mail certdesk sends about a request. Subjects carry the request reference; replies thread under the
 * client's mail; {@code Auto-Submitted} keeps auto-responders from answering.
 */
@Service
public class Notifier {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final JavaMailSender sender;
    private final NotifySettings settings;
    private final Map<String, MailTemplate> templates = new ConcurrentHashMap<>();
    private final Counter errors;
    private final ReplyThrottle throttle;
    private final Organizations organizations;
    private final TransactionTemplate transactions;

    /**
     * Replies nobody decided on: sent because a mail arrived, whose From anyone can forge. They go to the sender
     * (and to a contact the organization already has in certdesk), are limited by {@link ReplyThrottle}, and
     * quote the mail's text only briefly.
     */
    static final Set<String> AUTOMATIC = Set.of("acknowledgement", "policy-rejection", "private-key-warning", "not-a-request",
            "chain-rejection", "trust-acknowledgement", "revocation-refused", "mail-not-taken-in", "still-being-looked-at");
    /** How much of a value from a mail or CSR a reply repeats. */
    static final int SHORT = 64;
    static final int LONG = 100;

    /**
     * @param environments the environment names clients may write, for the how-to-fix text
     */
    public record NotifySettings(String supportAddress, String supportName, String publicUrl, Set<String> environments,
                                 boolean signed) {

        public NotifySettings(String supportAddress, String supportName, String publicUrl, Set<String> environments) {
            this(supportAddress, supportName, publicUrl, environments, false);
        }
    }

    public Notifier(JavaMailSender sender, NotifySettings settings, MeterRegistry metrics,
                    ReplyThrottle throttle, Organizations organizations, PlatformTransactionManager transactionManager) {
        this.sender = sender;
        this.errors = metrics.counter("certdesk.mail.errors", "direction", "out");
        this.settings = settings;
        this.throttle = throttle;
        this.organizations = organizations;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    static final String CONTACT_NOT_REGISTERED = "CONTACT_NOT_REGISTERED";
    /** Findings that speak of the organization's contacts and certificates: for approvers, and its own contacts. */
    static final Set<String> ABOUT_THE_ORGANIZATION = Set.of(CONTACT_NOT_REGISTERED, "RENEWAL");

    static final Set<String> FOR_APPROVERS = Set.of(RequestService.MAIL_AUTHENTICATED,
            RequestService.MAIL_NOT_AUTHENTICATED);

    public void acknowledge(CertificateRequest r) {
        Map<String, String> v = common(r);
        // a sender who is not one of a known organization's contacts may be anyone: tell them nothing about it
        boolean stranger = r.findings().stream().anyMatch(f -> f.code().equals(CONTACT_NOT_REGISTERED));
        List<PolicyFinding> notes = r.findings().stream().filter(f -> !f.isError())
                .filter(f -> !stranger || !ABOUT_THE_ORGANIZATION.contains(f.code()))
                // whether the mail was authenticated is for the approver to weigh, not news to its sender
                .filter(f -> !FOR_APPROVERS.contains(f.code())).toList();
        v.put("notes", notes.isEmpty() ? "" : "Notes:\n" + notes.stream().map(f -> "  - " + f.message() + "\n")
                .collect(Collectors.joining()));
        send("acknowledgement", r, beforeApproval(r), v, null);
    }

    public void rejectByPolicy(CertificateRequest r) {
        Map<String, String> v = common(r);
        StringBuilder problems = new StringBuilder();
        int n = 1;
        for (PolicyFinding f : r.errors()) {
            problems.append(n++).append(". ").append(f.message()).append(" (").append(f.code()).append(")\n");
            if (!f.fix().isBlank()) {
                problems.append("   Fix: ").append(f.fix().replace("\n", "\n   ")).append('\n');
            }
            problems.append('\n');
        }
        v.put("problems", problems.toString());
        send("policy-rejection", r, beforeApproval(r), v, null);
    }

    public void warnPrivateKey(CertificateRequest r) {
        Map<String, String> v = common(r);
        v.put("where", r.privateKeyFindings().stream().limit(10).map(w -> "  - " + Quoted.shown(w, LONG) + "\n")
                .collect(Collectors.joining()));
        send("private-key-warning", r, beforeApproval(r), v, null);
    }

    public void answerNotARequest(CertificateRequest r) {
        Map<String, String> v = common(r);
        v.put("originalSubject", r.mailSubject() == null || r.mailSubject().isBlank() ? "your mail" : Quoted.shown(r.mailSubject(), SHORT));
        send("not-a-request", r, r.senderEmail() == null ? List.of() : List.of(r.senderEmail()), v, null);
    }

    public void rejectByApprover(CertificateRequest r) {
        Map<String, String> v = common(r);
        v.put("reason", r.decisionReason() == null ? "" : r.decisionReason().replace("\n", "\n  "));
        // an approver said no: the contact the mail named was never accepted
        send("rejection", r, beforeApproval(r), v, null);
    }

    public void deliver(CertificateRequest r, Delivery d) {
        Map<String, String> v = common(r);
        v.put("issuer", d.issuer());
        v.put("serial", d.serial());
        v.put("notBefore", d.notBefore().toString());
        v.put("notAfter", d.notAfter().toString());
        v.put("caFingerprint", d.caFingerprint());
        v.put("caFingerprintUrl", settings.publicUrl() + "/pki/" + r.environment() + "/ca-fingerprint");
        v.put("signatureCheck", settings.signed() ? signatureCheck() : "");
        v.put("replaces", d.replaces() == null || d.replaces().isBlank() ? "" : d.replaces() + "\n\n");
        send("delivery", r, r.recipients(), v, d);
    }

    /**
     * How a client checks that a mail came from certdesk: its S/MIME signature against the published chain
     * ({@code mail/delivery-signature-check.txt}).
     */
    private String signatureCheck() {
        return templates.computeIfAbsent("delivery-signature-check", MailTemplate::loadPart).renderBody(Map.of(
                "supportAddress", settings.supportAddress(),
                "mailSigningUrl", settings.publicUrl() + "/pki/mail-signing.pem"));
    }

    private Map<String, String> common(CertificateRequest r) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("reference", r.reference());
        v.put("organizationId", shown(r.organizationId() != null ? r.organizationId() : r.claimedOrganizationId(), SHORT));
        v.put("companyName", shown(r.companyName(), LONG));
        v.put("environment", shown(r.environment(), SHORT));
        v.put("subject", shown(r.subject(), LONG));
        v.put("keyDescription", shown(r.keyDescription(), LONG));
        v.put("publicKeySha256", orDash(r.publicKeySha256()));
        v.put("supportAddress", settings.supportAddress());
        v.put("supportName", settings.supportName());
        v.put("environmentChoices", String.join(" or ", settings.environments().stream().sorted().toList()));
        return v;
    }

    /**
     * Who hears about a request before an approver accepted it: the sender, and the technical contact the mail
     * names only when certdesk already has that address as a contact of the organization. An address written in
     * the mail is anyone's, so it is never mailed on the strength of the mail alone.
     */
    List<String> beforeApproval(CertificateRequest r) {
        List<String> to = new ArrayList<>();
        if (r.senderEmail() != null) {
            to.add(r.senderEmail());
        }
        String contact = r.technicalContactEmail();
        if (contact != null && !contact.equalsIgnoreCase(r.senderEmail()) && r.organizationId() != null
                && organizations.contacts(r.organizationId()).stream().anyMatch(c -> c.email().equalsIgnoreCase(contact))) {
            to.add(contact);
        }
        return to;
    }

    private static String shown(String value, int max) {
        return value == null || value.isBlank() ? "-" : Quoted.shown(value, max);
    }

    private static String orDash(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    /** Tells the organization's contacts that a certificate was revoked, and what to do now. */
    public void revocationNotice(List<String> to, String serial, String subject, String environment, String reason,
                                 Instant revokedAt, String crlUrl) {
        Map<String, String> v = base();
        v.put("serial", serial);
        v.put("subject", subject);
        v.put("environment", environment);
        v.put("reason", reason);
        v.put("revokedAt", revokedAt.toString());
        v.put("crlUrl", crlUrl);
        send("revocation-notice", "serial " + serial, null, to, v, null);
    }

    /** Reminds the technical contacts that a certificate expires, with the commands to rotate it. */
    public void expiryReminder(List<String> to, String serial, String organizationId, String environment, String subject,
                               String subjectSlashed, Instant notAfter, long daysLeft, String keyCommand,
                               String keyFile, String schedule) {
        expiryReminder(to, serial, organizationId, environment, subject, subjectSlashed, notAfter, daysLeft, keyCommand, keyFile,
                schedule, "");
    }

    /** As above, with how the client can renew by itself ({@code selfRenewal}, empty for none). */
    public void expiryReminder(List<String> to, String serial, String organizationId, String environment, String subject,
                               String subjectSlashed, Instant notAfter, long daysLeft, String keyCommand,
                               String keyFile, String schedule, String selfRenewal) {
        Map<String, String> v = base();
        v.put("selfRenewal", selfRenewal.isEmpty() ? "" : "\n" + selfRenewal);
        v.put("serial", serial);
        v.put("organizationId", organizationId);
        v.put("environment", environment);
        v.put("subject", subject);
        v.put("subjectSlashed", subjectSlashed);
        v.put("notAfter", notAfter.toString());
        v.put("daysLeft", daysLeft == 1 ? "1 day" : daysLeft + " days");
        v.put("keyCommand", keyCommand);
        v.put("keyFile", keyFile);
        v.put("schedule", schedule);
        send("expiry-reminder", "serial " + serial, null, to, v, null);
    }

    /** Tells the technical contacts that a client fetched a new certificate over EST, and how it was approved. */
    public void estCertificateIssued(List<String> to, String reference, String organizationId, String environment, String serial,
                                     String subject, Instant notAfter, String how, String replaces) {
        Map<String, String> v = base();
        v.put("reference", reference);
        v.put("organizationId", shown(organizationId, SHORT));
        v.put("environment", environment);
        v.put("serial", serial);
        v.put("subject", subject);
        v.put("notAfter", notAfter.toString());
        v.put("how", how);
        v.put("replaces", replaces);
        send("est-issued", reference, null, to, v, null);
    }

    /** A mail about a partner CA request; {@code values} fill the template besides the support address and name. */
    public void trustMail(String template, String reference, List<String> to, Map<String, String> values) {
        Map<String, String> v = base();
        values.forEach((name, value) -> v.put(name, name.equals("organizationId") || name.equals("environment")
                ? shown(value, SHORT) : value));
        v.put("reference", reference);
        send(template, reference, null, to, v, null);
    }

    /**
     * A mail certdesk sends on its own account (CA rollover, CA expiry) to operators or technical contacts;
     * {@code values} fill the template besides the support address and name.
     */
    public void notice(String template, String reference, List<String> to, Map<String, String> values) {
        Map<String, String> v = base();
        v.putAll(values);
        v.put("reference", reference);
        send(template, reference, null, to, v, null);
    }

    /**
     * A mail to approvers, or to the escalation address, about waiting tasks ({@code approver-*} templates). The
     * values are quoted by the caller; the support address and name are added here.
     */
    void approverMail(String template, String reference, List<String> to, Map<String, String> values) {
        Map<String, String> v = base();
        v.putAll(values);
        send(template, reference, null, to, v, null);
    }

    /**
     * Tells the client whose request waits past its due date that it is still being looked at. An automatic
     * reply, so limited like the others; runs inside a transaction.
     */
    void stillBeingLookedAt(String to, String reference) {
        Map<String, String> v = base();
        v.put("reference", Quoted.shown(reference, SHORT));
        send("still-being-looked-at", reference, null, List.of(to), v, null);
    }

    /**
     * Tells whoever asked for a revocation why it was not done. The mail's From may be someone else's address, so the
     * certificate is named only when the request named it as a serial or reference, never in the sender's words.
     */
    public void revocationRefusal(String to, String certificate, String reason) {
        Map<String, String> v = base();
        String named = Quoted.serialOrReference(certificate);
        v.put("certificate", named != null ? named : certificate == null || certificate.isBlank() ? "(none named)" : "the certificate your mail named");
        v.put("reason", reason);
        // the throttle tells one refusal from another by this, as it did by the value itself
        String reference = named != null ? named
                : "revocation-" + Fingerprints.sha256Hex(String.valueOf(certificate).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        send("revocation-refused", reference, null, to == null ? List.of() : List.of(to), v, null);
    }

    /**
     * Tells the sender of a mail certdesk could not take in that it was removed from the support mailbox, since
     * it could not be checked for private keys. {@code reference} names the mail (its mailbox UID).
     */
    public void mailNotTakenIn(String to, String reference, String originalSubject, boolean holdsPrivateKey) {
        Map<String, String> v = base();
        v.put("originalSubject", originalSubject == null || originalSubject.isBlank() ? "your mail" : Quoted.shown(originalSubject, SHORT));
        v.put("environmentChoices", String.join(" or ", settings.environments().stream().sorted().toList()));
        v.put("keyNote", holdsPrivateKey
                ? "It appears to contain private key material. A private key must never leave your systems: treat that key\n"
                + "as compromised, make a new key and CSR, and send only the CSR.\n"
                : "If it contained a private key, treat that key as compromised: make a new key and CSR, and send only\n"
                + "the CSR.\n");
        transactions.executeWithoutResult(status -> send("mail-not-taken-in", reference, null, List.of(to), v, null));
    }

    private Map<String, String> base() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("supportAddress", settings.supportAddress());
        v.put("supportName", settings.supportName());
        return v;
    }

    private void send(String templateName, CertificateRequest r, List<String> to, Map<String, String> values, Delivery delivery) {
        send(templateName, r.reference(), r.messageId(), to, values, delivery);
    }

    private void send(String templateName, String reference, String inReplyTo, List<String> to, Map<String, String> values,
                      Delivery delivery) {
        to = to.stream().filter(Notifier::oneMailbox).toList();
        if (AUTOMATIC.contains(templateName)) {
            to = to.stream().distinct().filter(recipient -> throttle.permit(recipient, templateName, reference)).toList();
        }
        if (to.isEmpty()) {
            return;
        }
        MailTemplate template = templates.computeIfAbsent(templateName, MailTemplate::load);
        try {
            MimeMessage message = sender.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, delivery != null, "UTF-8");
            helper.setFrom(new InternetAddress(settings.supportAddress(), settings.supportName(), "UTF-8"));
            helper.setTo(to.toArray(String[]::new));
            helper.setSubject(template.renderSubject(values));
            helper.setText(template.renderBody(values));
            if (delivery != null) {
                helper.addAttachment("client-cert.pem", new ByteArrayResource(delivery.certificatePem().getBytes(StandardCharsets.UTF_8)), "application/x-pem-file");
                helper.addAttachment("ca-cert.pem", new ByteArrayResource(delivery.caCertificatePem().getBytes(StandardCharsets.UTF_8)), "application/x-pem-file");
                // base64 keeps the files byte for byte (7bit transfer may drop the final newline)
                MimeMultipart parts = helper.getRootMimeMultipart();
                for (int i = 0; i < parts.getCount(); i++) {
                    if (parts.getBodyPart(i).getFileName() != null) {
                        parts.getBodyPart(i).setHeader("Content-Transfer-Encoding", "base64");
                    }
                }
            }
            message.setHeader("Auto-Submitted", "auto-replied");
            message.setHeader("X-Certdesk-Reference", reference.replaceAll("[\\r\\n]", " "));
            if (inReplyTo != null && inReplyTo.startsWith("<") && !inReplyTo.contains("\n") && !inReplyTo.contains("\r")) {
                message.setHeader("In-Reply-To", inReplyTo);
                message.setHeader("References", inReplyTo);
            }
            sender.send(message);
        } catch (MailException e) {
            errors.increment();
            throw e;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new MailException("cannot build " + templateName + " mail for " + reference + ": " + e.getMessage(), e) {
            };
        }
    }

    /**
     * Whether a recipient is one mailbox. A group ({@code friends: a@x, b@y;}) or a list is many: written as a sender
     * or contact, it made certdesk mail everyone in it, each reply counted as one address by the reply limits.
     */
    static boolean oneMailbox(String recipient) {
        try {
            InternetAddress[] parsed = InternetAddress.parse(recipient, true);
            if (parsed.length == 1 && !parsed[0].isGroup()) {
                return true;
            }
        } catch (AddressException notAnAddress) {
            // logged below
        }
        log.warn("Not mailed: {} is not one mailbox", recipient.replaceAll("\\p{Cntrl}", " "));
        return false;
    }
}
