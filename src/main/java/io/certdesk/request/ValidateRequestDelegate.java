package io.certdesk.request;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.onboarding.OnboardingProcess;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * {@code Task_ValidateRequest}: runs the policy; a request that fails leaves by a BPMN error the model routes
 * on, a valid one carries what the approver needs to see: the task's name and description, and the approval form's
 * facts as one JSON variable (bpmn/forms/onboarding-approval.html).
 */
@Component("validateRequest")
public class ValidateRequestDelegate implements JavaDelegate {

    static final int MAX_VARIABLE_LENGTH = 4000;

    private final RequestService requests;
    private final CertificateAuthorities authorities;
    private final ObjectMapper json;

    public ValidateRequestDelegate(RequestService requests, CertificateAuthorities authorities, ObjectMapper json) {
        this.requests = requests;
        this.authorities = authorities;
        this.json = json;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ValidationResult result = requests.validate(OnboardingProcess.requestId(execution));
        CertificateRequest r = result.request();
        switch (result.outcome()) {
            case NOT_A_REQUEST -> throw new BpmnError(OnboardingProcess.ERROR_NOT_A_REQUEST, "no CSR in the mail");
            case PRIVATE_KEY_EXPOSED -> {
                execution.setVariable(OnboardingProcess.PRIVATE_KEY_FINDINGS, String.join("\n", r.privateKeyFindings()));
                throw new BpmnError(OnboardingProcess.ERROR_PRIVATE_KEY_EXPOSED, "private key in the mail");
            }
            case INVALID -> throw new BpmnError(OnboardingProcess.ERROR_REQUEST_INVALID, r.errors().size() + " policy error(s)");
            case VALID -> {
                execution.setVariable(OnboardingProcess.ORGANIZATION_ID, r.organizationId());
                execution.setVariable(OnboardingProcess.ENVIRONMENT, r.environment());
                describeForApprover(execution, r, result.organizationStatus());
            }
        }
    }

    /**
     * What the approver sees of a valid request: the task's description and the approval form's facts. Also for
     * processes that reach an approver only sometimes (bpmn/estEnrollment.bpmn).
     */
    public void describeForApprover(DelegateExecution execution, CertificateRequest r, String organizationStatus) {
        execution.setVariable(OnboardingProcess.APPROVAL_SUMMARY, ("new".equals(organizationStatus)
                ? "New organization " : "Known organization ") + r.organizationId() + " asks for a " + r.environment()
                + " client certificate for " + r.subject() + " (" + r.keyDescription()
                + "). Decide: approve and sign, or reject with a reason.");
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("organizationStatus", organizationStatus);
        facts.put("companyName", r.companyName());
        facts.put("contacts", String.join(", ", r.recipients()));
        facts.put("subject", r.subject());
        facts.put("keyDescription", r.keyDescription());
        facts.put("publicKeySha256", r.publicKeySha256());
        facts.put("issuance", authorities.describeIssuance(r.environment(),
                r.keyDescription() != null && r.keyDescription().startsWith("RSA")));
        List<Map<String, String>> findings = r.findings().stream().map(ValidateRequestDelegate::finding).toList();
        List<Map<String, String>> certificates = requests.certificatesOf(r.organizationId()).stream()
                .map(ValidateRequestDelegate::row).toList();
        execution.setVariable(OnboardingProcess.APPROVAL_FACTS, toJson(facts, findings, certificates));
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
