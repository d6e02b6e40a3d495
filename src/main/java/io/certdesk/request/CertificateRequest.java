package io.certdesk.request;

import java.time.Instant;
import java.util.List;

/** A request as certdesk keeps it: what the mail claimed, the CSR, and what validation and approval made of it. */
public record CertificateRequest(
        long id,
        String reference,
        Instant createdAt,
        String messageId,
        String mailSubject,
        String senderEmail,
        String senderName,
        String claimedOrganizationId,
        String claimedCompanyName,
        String claimedEnvironment,
        String technicalContactName,
        String technicalContactEmail,
        String csrPem,
        List<String> intakeProblems,
        List<String> privateKeyFindings,
        String organizationId,
        String companyName,
        String environment,
        String subject,
        String keyDescription,
        String publicKeySha256,
        List<PolicyFinding> findings,
        Status status,
        String decidedBy,
        String decisionReason,
        String certificateSerial,
        String exposedKeyHashes,
        List<String> renewalOf,
        String estKind,
        String estClientSerial) {

    /** An EST re-enrollment: same subject, new key, authenticated by the certificate it renews. */
    public static final String EST_REENROLL = "REENROLL";
    /** An EST enrollment: an additional certificate for the organization of the authenticating certificate. */
    public static final String EST_ENROLL = "ENROLL";

    /** Whether the request came over EST rather than by mail. */
    public boolean overEst() {
        return estKind != null;
    }

    public enum Status {
        RECEIVED, NOT_A_REQUEST, PRIVATE_KEY_EXPOSED, REJECTED_BY_POLICY, AWAITING_APPROVAL, APPROVED, REJECTED, ISSUED, DELIVERED
    }

    /** Who hears about the request: the technical contact and the sender, each once. */
    public List<String> recipients() {
        if (technicalContactEmail == null || technicalContactEmail.equalsIgnoreCase(senderEmail)) {
            return senderEmail == null ? List.of() : List.of(senderEmail);
        }
        return senderEmail == null ? List.of(technicalContactEmail) : List.of(technicalContactEmail, senderEmail);
    }

    public List<PolicyFinding> errors() {
        return findings.stream().filter(PolicyFinding::isError).toList();
    }
}
