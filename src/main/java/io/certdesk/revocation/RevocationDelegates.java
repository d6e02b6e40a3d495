package io.certdesk.revocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.certdesk.approval.Decider;
import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.RevocationReason;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.notify.Notifier;
import io.certdesk.notify.WaitingClient;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.RequestService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The revocation process's service tasks, and the onboarding process's revocation of exposed keys. */
@Configuration
public class RevocationDelegates {

    /** The client waiting for a revocation's approval: the address the revocation's replies go to. */
    @Bean
    WaitingClient revocationWaitingClient() {
        return (task, execution) -> RevocationProcess.APPROVE_REVOCATION.equals(task.getTaskDefinitionKey())
                ? RevocationProcess.string(execution, RevocationProcess.REPLY_TO)
                : null;
    }

    /** {@code Task_CheckRevocationRequest}: the certificate exists, is not revoked, and the requester may ask. */
    @Bean
    JavaDelegate checkRevocationRequest(RevocationService revocations) {
        return execution -> {
            RevocationService.Source source = RevocationService.Source.valueOf(
                    orDefault(RevocationProcess.string(execution, RevocationProcess.SOURCE), "ADMIN"));
            String requestedBy = RevocationProcess.string(execution, RevocationProcess.REQUESTED_BY);
            RevocationReason reason;
            try {
                reason = RevocationReason.parse(RevocationProcess.string(execution, RevocationProcess.REASON));
            } catch (IllegalArgumentException e) {
                RevocationProcess.setRefusalReason(execution, e.getMessage());
                throw new BpmnError(RevocationProcess.ERROR_REFUSED, e.getMessage());
            }
            try {
                IssuedCertificate certificate = revocations.check(
                        RevocationProcess.string(execution, RevocationProcess.CERTIFICATE), reason, source, requestedBy);
                if (source == RevocationService.Source.CONTACT) {
                    revocations.checkMailAuthenticity(certificate, RevocationProcess.mailAuthenticated(execution));
                }
                RevocationProcess.setChecked(execution, certificate.serial(), certificate.subject(), certificate.organizationId(),
                        certificate.environment(), reason.rfcName(), RevocationService.approvalNeeded(source, reason, certificate));
                // the business key names the certificate for good (a Tasklist start has none of its own)
                execution.setProcessBusinessKey(certificate.serial());
            } catch (RevocationService.Refused refused) {
                RevocationProcess.setRefusalReason(execution, refused.getMessage());
                throw new BpmnError(RevocationProcess.ERROR_REFUSED, refused.getMessage());
            }
        };
    }

    /** {@code Task_RevokeCertificate}. */
    @Bean
    JavaDelegate revokeCertificate(RevocationService revocations) {
        return execution -> {
            String serial = RevocationProcess.string(execution, RevocationProcess.SERIAL);
            String decidedBy = RevocationProcess.string(execution, RevocationProcess.DECIDED_BY);
            String requestedBy = RevocationProcess.string(execution, RevocationProcess.REQUESTED_BY);
            // a revocation that needs an approver is carried out only with an approver's recorded decision to revoke
            if (Boolean.TRUE.equals(execution.getVariable(RevocationProcess.APPROVAL_NEEDED))
                    && (decidedBy == null || !Boolean.TRUE.equals(execution.getVariable(RevocationProcess.APPROVED)))) {
                throw new ProcessEngineException("the revocation of " + serial + " needs an approver's decision to revoke, and has none");
            }
            String revokedBy = (requestedBy == null ? "requested by unknown" : "requested by " + requestedBy)
                    + (decidedBy == null ? "" : ", approved by " + decidedBy);
            if (!revocations.revoke(serial, RevocationReason.parse(RevocationProcess.string(execution, RevocationProcess.REASON)), revokedBy)) {
                throw new BpmnError(RevocationProcess.ERROR_ALREADY_REVOKED, serial + " was revoked meanwhile");
            }
        };
    }

    /**
     * On completion of {@code UserTask_ApproveRevocation}: the decision is required, a rejection needs a reason,
     * and who decided is the logged-in user.
     */
    @Bean
    TaskListener recordRevocationDecision(RevocationService revocations) {
        return (DelegateTask task) -> {
            Boolean approved = RevocationProcess.decision(task);
            if (approved == null) {
                throw new ProcessEngineException("Set the variable 'approved' to true or false to decide the revocation");
            }
            String reason = RevocationProcess.string(task, RevocationProcess.REJECTION_REASON);
            if (!approved && (reason == null || reason.isEmpty())) {
                throw new ProcessEngineException("A rejection needs a reason: fill in 'rejectionReason'");
            }
            String serial = RevocationProcess.string(task, RevocationProcess.SERIAL);
            if (serial == null || !serial.equals(task.getExecution().getProcessBusinessKey())) {
                throw new ProcessEngineException("This task decides the revocation of " + task.getExecution().getProcessBusinessKey()
                        + ", not " + serial);
            }
            RevocationProcess.setDecidedBy(task.getExecution().getProcessInstance(), Decider.of(task));
            if (!approved) {
                // what the certificate asked for over EST and could not be signed while this was pending goes on now
                revocations.releaseEstRequestsOf(serial);
            }
        };
    }

    /** {@code Task_SendRevocationNotice}: to the organization's technical contacts and whoever asked. */
    @Bean
    JavaDelegate sendRevocationNotice(RevocationService revocations, CertificateInventory inventory, Notifier notifier,
                                      CertificateAuthorities authorities) {
        return execution -> {
            String serial = RevocationProcess.string(execution, RevocationProcess.SERIAL);
            IssuedCertificate certificate = inventory.findBySerial(serial).orElseThrow();
            CertificateInventory.Revoked revoked = inventory.revocation(serial).orElseThrow();
            List<String> to = new ArrayList<>(revocations.contactsOf(certificate));
            String replyTo = RevocationProcess.string(execution, RevocationProcess.REPLY_TO);
            if (replyTo != null && to.stream().noneMatch(replyTo::equalsIgnoreCase)) {
                to.add(replyTo);
            }
            // the CRL of the CA generation that signed it, as the certificate names it
            int generation = inventory.caGeneration(serial).orElse(1);
            String crlUrl = authorities.generation(certificate.environment(), generation)
                    .map(ca -> authorities.profile(ca).crlDistributionUrl()).orElse(authorities.profile(certificate.environment()).crlDistributionUrl());
            notifier.revocationNotice(to, serial, certificate.subject(), certificate.environment(), revoked.reason(), revoked.revokedAt(), crlUrl);
        };
    }

    /** {@code Task_SendRevocationRefusal}: to whoever asked by mail (the admin API answers over HTTP). */
    @Bean
    JavaDelegate sendRevocationRefusal(Notifier notifier) {
        return execution -> {
            String reason = RevocationProcess.string(execution, RevocationProcess.REFUSAL_REASON);
            if (reason == null) {
                reason = "An approver declined it: " + orDefault(RevocationProcess.string(execution, RevocationProcess.REJECTION_REASON), "no reason given");
            }
            notifier.revocationRefusal(RevocationProcess.string(execution, RevocationProcess.REPLY_TO),
                    RevocationProcess.string(execution, RevocationProcess.CERTIFICATE), reason);
        };
    }

    /** {@code Task_RevokeExposedCertificates} in onboarding: a private key in a mail compromises its certificates. */
    @Bean
    JavaDelegate revokeExposedCertificates(RevocationService revocations, RequestService requests) {
        return execution -> {
            var request = requests.get(OnboardingProcess.requestId(execution));
            String hashes = request.exposedKeyHashes();
            if (hashes != null && !hashes.isBlank()) {
                revocations.revokeExposed(Arrays.asList(hashes.split(",")), "mail " + request.reference());
            }
        };
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
