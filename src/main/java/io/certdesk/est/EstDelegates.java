package io.certdesk.est;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.inventory.Organizations;
import io.certdesk.notify.Notifier;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.CertificateRequest;
import io.certdesk.request.PolicyFinding;
import io.certdesk.request.RequestRepository;
import io.certdesk.request.RequestService;
import io.certdesk.request.ValidateRequestDelegate;
import io.certdesk.request.ValidationResult;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The EST process's own steps: the renewal-window check, the automatic approval and the contacts' mail. */
@Configuration
public class EstDelegates {

    /**
     * {@code Task_ValidateRequest}: the mail requests' policy; a refusal leaves by the BPMN error the model routes on
     * (the client reads the findings in its answer). What an approver would see is written only if one decides.
     */
    @Bean
    JavaDelegate validateEstRequest(RequestService requests) {
        return execution -> {
            ValidationResult result = requests.validate(OnboardingProcess.requestId(execution));
            CertificateRequest request = result.request();
            switch (result.outcome()) {
                case INVALID -> throw new BpmnError(OnboardingProcess.ERROR_REQUEST_INVALID, request.errors().size() + " policy error(s)");
                case VALID -> {
                    execution.setVariable(OnboardingProcess.ORGANIZATION_ID, request.organizationId());
                    execution.setVariable(OnboardingProcess.ENVIRONMENT, request.environment());
                }
                default -> throw new IllegalStateException(request.reference() + " over EST cannot be " + result.outcome());
            }
        };
    }

    /**
     * {@code Task_CheckRenewalWindow}: a re-enrollment inside the renewal window without warnings goes on without
     * an approver; anything else (too early, a warning, an additional certificate) waits for one, who is told why.
     */
    @Bean
    JavaDelegate checkEstRenewalWindow(RequestService requests, CertificateInventory inventory, EstSettings settings, Clock clock,
                                       ValidateRequestDelegate approverView) {
        return execution -> {
            CertificateRequest request = requests.get(OnboardingProcess.requestId(execution));
            String clientSerial = request.estClientSerial();
            IssuedCertificate client = inventory.findBySerial(clientSerial)
                    .orElseThrow(() -> new IllegalStateException("client certificate " + clientSerial + " is not in the inventory"));
            Instant now = clock.instant();
            Instant windowOpens = client.notAfter().minus(settings.renewalWindow());
            List<String> warnings = request.findings().stream()
                    .filter(f -> f.severity() == PolicyFinding.Severity.WARNING).map(PolicyFinding::code).toList();
            String why;
            if (!CertificateRequest.EST_REENROLL.equals(request.estKind())) {
                why = "EST enrollment of an additional certificate for " + request.organizationId() + ", asked with certificate "
                        + clientSerial + ": an approver always decides.";
            } else if (!warnings.isEmpty()) {
                why = "EST re-enrollment by certificate " + clientSerial + " with warnings (" + String.join(", ", warnings) + ").";
            } else if (now.isBefore(windowOpens)) {
                why = "EST re-enrollment by certificate " + clientSerial + " (expires " + client.notAfter()
                        + ") before its renewal window opens on " + windowOpens + ".";
            } else if (client.status() != IssuedCertificate.Status.ACTIVE) {
                why = "EST re-enrollment by certificate " + clientSerial + ", which is " + client.status() + ".";
            } else {
                EstProcess.setApprovalPath(execution, true, EstProcess.automaticBy(clientSerial));
                return;
            }
            EstProcess.setApprovalPath(execution, false, why);
            approverView.describeForApprover(execution, request, requests.organizationStatus(request.organizationId()));
            execution.setVariable(OnboardingProcess.APPROVAL_SUMMARY, why + " Same subject " + request.subject() + ", new key ("
                    + request.keyDescription() + "). Decide: approve and sign, or reject with a reason (the client reads it).");
        };
    }

    /** {@code Task_ApproveAutomatically}: the request's decision record names the certificate that asked. */
    @Bean
    JavaDelegate approveEstReenrollment(RequestService requests) {
        return execution -> {
            long requestId = OnboardingProcess.requestId(execution);
            // only what the renewal window check found automatic: this step stands for no one's decision otherwise
            if (!Boolean.TRUE.equals(execution.getVariable(EstProcess.AUTOMATIC_REENROLLMENT))) {
                throw new ProcessEngineException("request " + requestId + " is not an automatic re-enrollment: an approver decides it");
            }
            requests.recordDecision(requestId, true, EstProcess.automaticBy(requests.get(requestId).estClientSerial()), null);
        };
    }

    /** {@code Task_NotifyTechnicalContacts}: a short mail that a certificate was issued over EST. */
    @Bean
    JavaDelegate notifyEstCertificateIssued(RequestService requests, RequestRepository repository, CertificateInventory inventory,
                                            Organizations organizations, Notifier notifier) {
        return execution -> {
            CertificateRequest request = requests.get(OnboardingProcess.requestId(execution));
            IssuedCertificate issued = inventory.findByRequestReference(request.reference())
                    .orElseThrow(() -> new IllegalStateException(request.reference() + " has no certificate"));
            List<String> to = organizations.contacts(request.organizationId()).stream()
                    .filter(c -> Organizations.TECHNICAL.equals(c.role())).map(Organizations.Contact::email).distinct().toList();
            String replaces = request.renewalOf().stream().map(old -> inventory.findBySerial(old).map(previous ->
                    "It replaces certificate " + previous.serial() + ", which keeps working until it is revoked as superseded"
                            + (previous.supersedeRevocationDue() == null ? "" : " on " + previous.supersedeRevocationDue()) + ".")
                    .orElse("")).filter(s -> !s.isEmpty()).findFirst().orElse("It is an additional certificate; the others stay as they are.");
            String how = CertificateRequest.EST_REENROLL.equals(request.estKind())
                    ? String.valueOf(execution.getVariable(EstProcess.APPROVAL_PATH)).startsWith("automatic")
                    ? EstProcess.automaticBy(request.estClientSerial()) + ", inside the renewal window"
                    : "EST re-enrollment by certificate " + request.estClientSerial() + ", approved by an approver"
                    : "EST enrollment asked with certificate " + request.estClientSerial() + ", approved by an approver";
            notifier.estCertificateIssued(to, request.reference(), request.organizationId(), issued.environment(), issued.serial(),
                    issued.subject(), issued.notAfter(), how, replaces);
            repository.recordStatus(request.id(), CertificateRequest.Status.DELIVERED);
        };
    }
}
