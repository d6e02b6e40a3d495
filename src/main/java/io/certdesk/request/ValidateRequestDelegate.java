package io.certdesk.request;

import io.certdesk.onboarding.OnboardingProcess;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * {@code Task_ValidateRequest}: runs the policy; a request that fails leaves by a BPMN error the model routes
 * on, a valid one carries what the approver needs to see (see {@link ApproverView}).
 */
@Component("validateRequest")
public class ValidateRequestDelegate implements JavaDelegate {

    private final RequestService requests;
    private final ApproverView approverView;

    public ValidateRequestDelegate(RequestService requests, ApproverView approverView) {
        this.requests = requests;
        this.approverView = approverView;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ValidationResult result = requests.validate(OnboardingProcess.requestId(execution));
        CertificateRequest r = result.request();
        switch (result.outcome()) {
            case NOT_A_REQUEST -> throw new BpmnError(OnboardingProcess.ERROR_NOT_A_REQUEST, "no CSR in the mail");
            case PRIVATE_KEY_EXPOSED -> {
                OnboardingProcess.setPrivateKeyFindings(execution, String.join("\n", r.privateKeyFindings()));
                throw new BpmnError(OnboardingProcess.ERROR_PRIVATE_KEY_EXPOSED, "private key in the mail");
            }
            case INVALID -> throw new BpmnError(OnboardingProcess.ERROR_REQUEST_INVALID, r.errors().size() + " policy error(s)");
            case VALID -> {
                OnboardingProcess.setOrganization(execution, r.organizationId(), r.environment());
                describeForApprover(execution, r, result.organizationStatus());
            }
        }
    }

    /**
     * Writes what the approver sees of a valid request: the task's description and the approval form's facts. Also
     * for processes that reach an approver only sometimes (bpmn/estEnrollment.bpmn).
     */
    public void describeForApprover(DelegateExecution execution, CertificateRequest r, String organizationStatus) {
        ApproverView.Description description = approverView.describe(r, organizationStatus);
        OnboardingProcess.setApprovalSummary(execution, description.summary());
        OnboardingProcess.setApprovalFacts(execution, description.facts());
    }
}
