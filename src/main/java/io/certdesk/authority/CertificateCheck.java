package io.certdesk.authority;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a certificate against one CA the way a relying party does: issuer name, signature, validity window.
 *
 * @param problems why the certificate would not be accepted, empty when it would
 */
public record CertificateCheck(boolean issuedByThisCa, boolean withinValidity, List<String> problems) {

    public static CertificateCheck of(CertificateAuthority ca, X509Certificate certificate, Instant now) {
        List<String> problems = new ArrayList<>();
        boolean issuerMatches = certificate.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal());
        boolean signatureValid = issuerMatches && ca.signed(certificate);
        if (issuerMatches && !signatureValid) {
            problems.add("the issuer name matches the " + ca.environment() + " CA but the signature does not verify with its key");
        } else if (!issuerMatches) {
            problems.add("issued by \"" + certificate.getIssuerX500Principal().getName() + "\", not by the " + ca.environment()
                    + " CA \"" + ca.certificate().getSubjectX500Principal().getName() + "\"");
        }
        boolean within = !now.isBefore(certificate.getNotBefore().toInstant()) && !now.isAfter(certificate.getNotAfter().toInstant());
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            problems.add("not valid before " + certificate.getNotBefore().toInstant());
        } else if (now.isAfter(certificate.getNotAfter().toInstant())) {
            problems.add("expired on " + certificate.getNotAfter().toInstant());
        }
        return new CertificateCheck(issuerMatches && signatureValid, within, List.copyOf(problems));
    }
}
