package io.certdesk.request;

import java.util.stream.Collectors;

import io.certdesk.onboarding.OnboardingProcess;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * {@code Task_ValidateRequest}: runs the policy; a request that fails leaves by a BPMN error the model routes
 * on, a valid one carries what the approver needs to see.
 */
@Component("validateRequest")
public class ValidateRequestDelegate implements JavaDelegate {

    private final RequestService requests;
    private final io.certdesk.authority.CertificateAuthorities authorities;

    public ValidateRequestDelegate(RequestService requests, io.certdesk.authority.CertificateAuthorities authorities) {
        this.requests = requests;
        this.authorities = authorities;
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
                        : r.findings().stream().map(PolicyFinding::line).collect(Collectors.joining("  •  ")));
                execution.setVariable(OnboardingProcess.ISSUANCE, authorities.describeIssuance(r.environment(),
                        r.keyDescription() != null && r.keyDescription().startsWith("RSA")));
            }
        }
    }
}
