package io.certdesk.request;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.inventory.IssuedCertificate;
import org.springframework.stereotype.Component;

/**
 * What the approver sees of a valid request: the approval task's description ({@code approvalSummary}) and the
 * approval form's facts as one JSON object ({@code approvalFacts}, bpmn/forms/onboarding-approval.html) that fits a
 * Camunda string variable.
 */
@Component
public class ApproverView {

    /** The longest value of a Camunda string variable. */
    static final int MAX_VARIABLE_LENGTH = 4000;

    /** The task's description and the form's facts as JSON. */
    public record Description(String summary, String facts) {
    }

    private final RequestService requests;
    private final CertificateAuthorities authorities;
    private final ObjectMapper json;

    public ApproverView(RequestService requests, CertificateAuthorities authorities, ObjectMapper json) {
        this.requests = requests;
        this.authorities = authorities;
        this.json = json;
    }

    /** The request's description, with what would be issued and the organization's most recent certificates. */
    public Description describe(CertificateRequest r, String organizationStatus) {
        String issuance = authorities.describeIssuance(r.environment(),
                r.keyDescription() != null && r.keyDescription().startsWith("RSA"));
        return describe(r, organizationStatus, issuance, requests.certificatesOf(r.organizationId()));
    }

    Description describe(CertificateRequest r, String organizationStatus, String issuance, List<IssuedCertificate> certificates) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("organizationStatus", organizationStatus);
        facts.put("companyName", r.companyName());
        facts.put("contacts", String.join(", ", r.recipients()));
        facts.put("subject", r.subject());
        facts.put("keyDescription", r.keyDescription());
        facts.put("publicKeySha256", r.publicKeySha256());
        facts.put("issuance", issuance);
        return new Description(summary(r, organizationStatus), toJson(facts,
                r.findings().stream().map(ApproverView::finding).toList(),
                certificates.stream().map(ApproverView::row).toList()));
    }

    static String summary(CertificateRequest r, String organizationStatus) {
        return ("new".equals(organizationStatus) ? "New organization " : "Known organization ") + r.organizationId()
                + " asks for a " + r.environment() + " client certificate for " + r.subject() + " (" + r.keyDescription()
                + "). Decide: approve and sign, or reject with a reason.";
    }

    private static Map<String, String> finding(PolicyFinding f) {
        Map<String, String> finding = new LinkedHashMap<>();
        finding.put("severity", f.severity().name());
        finding.put("code", f.code());
        finding.put("message", f.message());
        return finding;
    }

    private static Map<String, String> row(IssuedCertificate c) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("serial", c.serial());
        row.put("environment", c.environment());
        row.put("status", c.status().name());
        row.put("notAfter", c.notAfter().toString());
        row.put("subject", c.subject());
        row.put("request", c.requestReference());
        return row;
    }

    /**
     * The form's facts as JSON that fits a Camunda string variable (4,000 characters): the oldest certificates give
     * way first, then the oldest findings, and the form says how many it does not show.
     */
    String toJson(Map<String, Object> facts, List<Map<String, String>> findings, List<Map<String, String>> certificates) {
        try {
            while (true) {
                facts.put("findings", findings);
                facts.put("certificates", certificates);
                String text = json.writeValueAsString(facts);
                if (text.length() <= MAX_VARIABLE_LENGTH || (findings.isEmpty() && certificates.isEmpty())) {
                    return text;
                }
                if (!certificates.isEmpty()) {
                    certificates = certificates.subList(1, certificates.size());
                    facts.merge("certificatesNotShown", 1, (a, b) -> (Integer) a + (Integer) b);
                } else {
                    findings = findings.subList(1, findings.size());
                    facts.merge("findingsNotShown", 1, (a, b) -> (Integer) a + (Integer) b);
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the approval form's data", e);
        }
    }
}
