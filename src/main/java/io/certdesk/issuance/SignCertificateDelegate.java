package io.certdesk.issuance;

import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.onboarding.OnboardingProcess;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** {@code Task_SignCertificate}: signs the approved request and keeps the serial in the process. */
@Component("signCertificate")
public class SignCertificateDelegate implements JavaDelegate {

    private final SigningService signing;

    public SignCertificateDelegate(SigningService signing) {
        this.signing = signing;
    }

    @Override
    public void execute(DelegateExecution execution) {
        IssuedCertificate certificate = signing.sign(OnboardingProcess.requestId(execution));
        OnboardingProcess.setCertificateSerial(execution, certificate.serial());
    }
}
