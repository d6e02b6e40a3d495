package io.certdesk.notify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.certdesk.request.CertificateRequest;
import io.certdesk.request.PolicyFinding;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

/**
 * Every mail certdesk sends about a request. Subjects carry the request reference; replies thread under the
 * client's mail; {@code Auto-Submitted} keeps auto-responders from answering.
 */
@Service
public class Notifier {

    private final JavaMailSender sender;
    private final NotifySettings settings;
    private final Map<String, MailTemplate> templates = new ConcurrentHashMap<>();
    private final io.micrometer.core.instrument.Counter errors;

    /**
     * @param environments the environment names clients may write, for the how-to-fix text
     */
    public record NotifySettings(String supportAddress, String supportName, String publicUrl, Set<String> environments) {
    }

    public Notifier(JavaMailSender sender, NotifySettings settings, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.sender = sender;
        this.errors = metrics.counter("certdesk.mail.errors", "direction", "out");
        this.settings = settings;
    }

    static final String CONTACT_NOT_REGISTERED = "CONTACT_NOT_REGISTERED";
    /** Findings that speak of the organization's contacts and certificates: for approvers, and its own contacts. */
    static final java.util.Set<String> ABOUT_THE_ORGANIZATION = java.util.Set.of(CONTACT_NOT_REGISTERED, "RENEWAL");

    public void acknowledge(CertificateRequest r) {
        Map<String, String> v = common(r);
        // a sender who is not one of a known organization's contacts may be anyone: tell them nothing about it
        boolean stranger = r.findings().stream().anyMatch(f -> f.code().equals(CONTACT_NOT_REGISTERED));
        List<PolicyFinding> notes = r.findings().stream().filter(f -> !f.isError())
                .filter(f -> !stranger || !ABOUT_THE_ORGANIZATION.contains(f.code())).toList();
        v.put("notes", notes.isEmpty() ? "" : "Notes:\n" + notes.stream().map(f -> "  - " + f.message() + "\n")
                .collect(Collectors.joining()));
        send("acknowledgement", r, r.recipients(), v, null);
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
        send("policy-rejection", r, r.recipients(), v, null);
    }

    public void warnPrivateKey(CertificateRequest r) {
        Map<String, String> v = common(r);
        v.put("where", r.privateKeyFindings().stream().map(w -> "  - " + w + "\n").collect(Collectors.joining()));
        send("private-key-warning", r, r.recipients(), v, null);
    }

    public void answerNotARequest(CertificateRequest r) {
        Map<String, String> v = common(r);
        v.put("originalSubject", r.mailSubject() == null || r.mailSubject().isBlank() ? "your mail" : r.mailSubject());
        send("not-a-request", r, r.senderEmail() == null ? List.of() : List.of(r.senderEmail()), v, null);
    }

    public void rejectByApprover(CertificateRequest r) {
        Map<String, String> v = common(r);
        v.put("reason", r.decisionReason() == null ? "" : r.decisionReason().replace("\n", "\n  "));
        send("rejection", r, r.recipients(), v, null);
    }

    public void deliver(CertificateRequest r, Delivery d) {
        Map<String, String> v = common(r);
        v.put("issuer", d.issuer());
        v.put("serial", d.serial());
        v.put("notBefore", d.notBefore().toString());
        v.put("notAfter", d.notAfter().toString());
        v.put("caFingerprint", d.caFingerprint());
        v.put("caFingerprintUrl", settings.publicUrl() + "/pki/" + r.environment() + "/ca-fingerprint");
        v.put("replaces", d.replaces() == null || d.replaces().isBlank() ? "" : d.replaces() + "\n\n");
        send("delivery", r, r.recipients(), v, d);
    }

    private Map<String, String> common(CertificateRequest r) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("reference", r.reference());
        v.put("organizationId", orDash(r.organizationId() != null ? r.organizationId() : r.claimedOrganizationId()));
        v.put("companyName", orDash(r.companyName()));
        v.put("environment", orDash(r.environment()));
        v.put("subject", orDash(r.subject()));
        v.put("keyDescription", orDash(r.keyDescription()));
        v.put("publicKeySha256", orDash(r.publicKeySha256()));
        String name = r.technicalContactEmail() != null ? r.technicalContactName() : r.senderName();
        v.put("contactName", name == null || name.isBlank() ? "" : name);
        v.put("supportAddress", settings.supportAddress());
        v.put("supportName", settings.supportName());
        v.put("environmentChoices", String.join(" or ", settings.environments().stream().sorted().toList()));
        return v;
    }

    private static String orDash(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    /** Tells the organization's contacts that a certificate was revoked, and what to do now. */
    public void revocationNotice(List<String> to, String serial, String subject, String environment, String reason,
                                 java.time.Instant revokedAt) {
        Map<String, String> v = base();
        v.put("serial", serial);
        v.put("subject", subject);
        v.put("environment", environment);
        v.put("reason", reason);
        v.put("revokedAt", revokedAt.toString());
        v.put("crlUrl", settings.publicUrl() + "/pki/" + environment + "/crl");
        send("revocation-notice", "serial " + serial, null, to, v, null);
    }

    /** Reminds the technical contacts that a certificate expires, with the commands to rotate it. */
    public void expiryReminder(List<String> to, String serial, String organizationId, String environment, String subject,
                               String subjectSlashed, java.time.Instant notAfter, long daysLeft, String keyCommand,
                               String keyFile, String schedule) {
        Map<String, String> v = base();
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

    /** A mail about a partner CA request; {@code values} fill the template besides the support address and name. */
    public void trustMail(String template, String reference, List<String> to, Map<String, String> values) {
        Map<String, String> v = base();
        v.putAll(values);
        v.put("reference", reference);
        send(template, reference, null, to, v, null);
    }

    /** Tells whoever asked for a revocation why it was not done. */
    public void revocationRefusal(String to, String certificate, String reason) {
        Map<String, String> v = base();
        v.put("certificate", certificate == null || certificate.isBlank() ? "(none named)" : certificate);
        v.put("reason", reason);
        send("revocation-refused", certificate, null, to == null ? List.of() : List.of(to), v, null);
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
                helper.addAttachment("client-cert.pem", new ByteArrayResource(delivery.certificatePem().getBytes()), "application/x-pem-file");
                helper.addAttachment("ca-cert.pem", new ByteArrayResource(delivery.caCertificatePem().getBytes()), "application/x-pem-file");
                // base64 keeps the files byte for byte (7bit transfer may drop the final newline)
                jakarta.mail.internet.MimeMultipart parts = helper.getRootMimeMultipart();
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
        } catch (MessagingException | java.io.UnsupportedEncodingException e) {
            throw new MailException("cannot build " + templateName + " mail for " + reference + ": " + e.getMessage(), e) {
            };
        }
    }
}
