package io.certdesk.request;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
 * on, a valid one carries what the approver needs to see: plain values, and the findings and the organization's
 * certificates as JSON lists for the approval form (bpmn/forms/onboarding-approval.html).
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
                execution.setVariable(OnboardingProcess.ORGANIZATION_STATUS, result.organizationStatus());
                execution.setVariable(OnboardingProcess.COMPANY_NAME, r.companyName());
                execution.setVariable(OnboardingProcess.CONTACTS, String.join(", ", r.recipients()));
                execution.setVariable(OnboardingProcess.ENVIRONMENT, r.environment());
                execution.setVariable(OnboardingProcess.SUBJECT, r.subject());
                execution.setVariable(OnboardingProcess.KEY_DESCRIPTION, r.keyDescription());
                execution.setVariable(OnboardingProcess.PUBLIC_KEY_SHA256, r.publicKeySha256());
                execution.setVariable(OnboardingProcess.FINDINGS, r.findings().isEmpty() ? "none"
                        : r.findings().stream().map(PolicyFinding::line).collect(Collectors.joining("\n")));
                execution.setVariable(OnboardingProcess.FINDING_LIST, toJson(r.findings().stream()
                        .map(f -> Map.of("severity", f.severity().name(), "code", f.code(), "message", f.message())).toList()));
                execution.setVariable(OnboardingProcess.ORGANIZATION_CERTIFICATES,
                        toJson(requests.certificatesOf(r.organizationId()).stream().map(ValidateRequestDelegate::row).toList()));
                execution.setVariable(OnboardingProcess.ISSUANCE, authorities.describeIssuance(r.environment(),
                        r.keyDescription() != null && r.keyDescription().startsWith("RSA")));
            }
        }
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

    /** A JSON list that fits a Camunda string variable (4,000 characters): the oldest entries give way first. */
    private String toJson(List<?> values) {
        try {
            String text = json.writeValueAsString(values);
            while (text.length() > MAX_VARIABLE_LENGTH && !values.isEmpty()) {
                values = values.subList(1, values.size());
                text = json.writeValueAsString(values);
            }
            return text;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the approval form's data", e);
        }
    }
}
