package io.certdesk.notify;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.RequestRepository;
import io.certdesk.request.RequestService;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The onboarding process's mail tasks, one bean per {@code Task_Send...} element. */
@Configuration
public class NotifyDelegates {

    @Bean
    JavaDelegate sendAcknowledgement(Notifier notifier, RequestService requests) {
        return execution -> notifier.acknowledge(requests.get(OnboardingProcess.requestId(execution)));
    }

    @Bean
    JavaDelegate sendPolicyRejection(Notifier notifier, RequestService requests) {
        return execution -> notifier.rejectByPolicy(requests.get(OnboardingProcess.requestId(execution)));
    }

    @Bean
    JavaDelegate sendPrivateKeyWarning(Notifier notifier, RequestService requests) {
        return execution -> notifier.warnPrivateKey(requests.get(OnboardingProcess.requestId(execution)));
    }

    @Bean
    JavaDelegate sendNotARequestReply(Notifier notifier, RequestService requests) {
        return execution -> notifier.answerNotARequest(requests.get(OnboardingProcess.requestId(execution)));
    }

    @Bean
    JavaDelegate sendRejection(Notifier notifier, RequestService requests) {
        return execution -> notifier.rejectByApprover(requests.get(OnboardingProcess.requestId(execution)));
    }

    /** {@code Task_DeliverCertificate}: the certificate, the CA certificate and how to check both. */
    @Bean
    JavaDelegate deliverCertificate(Notifier notifier, RequestService requests, RequestRepository repository,
                                    CertificateInventory inventory, CertificateAuthorities authorities) {
        return execution -> {
            CertificateRequest request = requests.get(OnboardingProcess.requestId(execution));
            IssuedCertificate certificate = inventory.findByRequestReference(request.reference())
                    .orElseThrow(() -> new IllegalStateException(request.reference() + " has no certificate to deliver"));
            // the CA that signed it, which after a rollover may not be the environment's issuing CA of today
            int generation = inventory.caGeneration(certificate.serial()).orElse(1);
            CertificateAuthority ca = authorities.generation(certificate.environment(), generation)
                    .orElseThrow(() -> new IllegalStateException(request.reference() + ": CA generation " + generation + " of "
                            + certificate.environment() + " is not loaded on this node"));
            StringBuilder replaces = new StringBuilder();
            for (String old : request.renewalOf()) {
                inventory.findBySerial(old).ifPresent(previous -> replaces.append("This certificate replaces ").append(previous.serial())
                        .append(" (expires ").append(previous.notAfter()).append("), which keeps working until it is revoked as superseded")
                        .append(previous.supersedeRevocationDue() == null ? "" : " on " + previous.supersedeRevocationDue())
                        .append(". Install the new one before then.\n"));
            }
            notifier.deliver(request, new Delivery(certificate.certificatePem(), ca.certificatePem(), ca.sha256Fingerprint(),
                    ca.certificate().getSubjectX500Principal().getName(), certificate.serial(), certificate.notBefore(),
                    certificate.notAfter(), replaces.toString().trim()));
            repository.recordStatus(request.id(), CertificateRequest.Status.DELIVERED);
        };
    }
}
