package io.certdesk.trust;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.certdesk.approval.FourEyes;
import io.certdesk.config.CertdeskProperties;
import io.certdesk.notify.Notifier;
import io.certdesk.notify.WaitingClient;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The partner trust process's tasks, and the four-eyes rule on its two approvals. */
@Configuration
public class PartnerTrustDelegates {

    @Bean
    JavaDelegate validateChain(PartnerTrustService trust, Notifier notifier) {
        return execution -> {
            ChainCheck.Result result = trust.validate(PartnerTrustProcess.trustRequestId(execution));
            if (!result.valid()) {
                throw new BpmnError(PartnerTrustProcess.ERROR_CHAIN_INVALID, result.problems().size() + " problem(s)");
            }
            PartnerTrustProcess.setChainFacts(execution, PartnerTrustService.describe(result.leaf()),
                    PartnerTrustService.describeAll(result.cas()), String.join("\n\n", trust.warnings(PartnerTrustProcess.trustRequestId(execution), result)));
        };
    }

    /** The client waiting for a partner CA's approvals: whoever sent the trust request. */
    @Bean
    WaitingClient partnerTrustWaitingClient(TrustRequests trustRequests) {
        return (task, execution) -> switch (task.getTaskDefinitionKey()) {
            case PartnerTrustProcess.FIRST_APPROVAL, PartnerTrustProcess.SECOND_APPROVAL ->
                    trustRequests.get(PartnerTrustProcess.trustRequestId(execution)).senderEmail();
            default -> null;
        };
    }

    /** The JDK's public roots, read once: approvers are warned when a partner chain hangs under one. */
    @Bean
    PublicRoots publicRoots() {
        return PublicRoots.ofJdk();
    }

    @Bean
    JavaDelegate sendChainRejection(PartnerTrustService trust, Notifier notifier, CertdeskProperties properties) {
        return execution -> {
            TrustRequests.TrustRequest request = trust.get(PartnerTrustProcess.trustRequestId(execution));
            StringBuilder problems = new StringBuilder();
            int n = 1;
            for (String problem : request.problems()) {
                problems.append(n++).append(". ").append(problem).append("\n\n");
            }
            notifier.trustMail("chain-rejection", request.reference(), to(request), Map.of("problems", problems.toString(),
                    "environmentChoices", String.join(" or ", properties.environments().keySet())));
        };
    }

    @Bean
    JavaDelegate sendTrustAcknowledgement(PartnerTrustService trust, Notifier notifier) {
        return execution -> {
            TrustRequests.TrustRequest request = trust.get(PartnerTrustProcess.trustRequestId(execution));
            notifier.trustMail("trust-acknowledgement", request.reference(), to(request), Map.of(
                    "organizationId", request.organizationId(), "environment", request.environment(),
                    "clientCertificate", indent(PartnerTrustProcess.clientCertificate(execution)),
                    "caCertificates", indent(PartnerTrustProcess.caCertificates(execution))));
        };
    }

    @Bean
    JavaDelegate sendTrustRejection(PartnerTrustService trust, Notifier notifier) {
        return execution -> {
            TrustRequests.TrustRequest request = trust.get(PartnerTrustProcess.trustRequestId(execution));
            String reason = PartnerTrustProcess.rejectionReason(execution);
            notifier.trustMail("trust-rejected", request.reference(), to(request), Map.of(
                    "organizationId", request.organizationId(), "environment", request.environment(),
                    "reason", reason == null ? "-" : reason));
        };
    }

    @Bean
    JavaDelegate trustPartnerCa(PartnerTrustService trust, Notifier notifier, CertdeskProperties properties) {
        return execution -> {
            long id = PartnerTrustProcess.trustRequestId(execution);
            // a request decided before certdesk recorded what was decided: the decisions its approval listeners set
            trust.recordEarlierDecisions(id, PartnerTrustProcess.decision(execution, true), PartnerTrustProcess.decision(execution, false));
            TrustRequests.TrustRequest request = trust.get(id);
            List<String> trusted = trust.trust(id, request.firstDecidedBy() + ", " + request.secondDecidedBy());
            X509Certificate leaf = PartnerTrustService.parsePem(request.chainPem()).stream()
                    .filter(c -> c.getBasicConstraints() < 0).findFirst().orElseThrow();
            notifier.trustMail("trust-confirmed", request.reference(), to(request), Map.of(
                    "organizationId", request.organizationId(), "environment", request.environment(),
                    "trusted", String.join("\n  ", trusted), "mtlsHost", properties.mtls().hostNames().get(0),
                    "mtlsPort", String.valueOf(properties.mtls().portsOrNone().getOrDefault(request.environment(), 8443)), "notAfter", leaf.getNotAfter().toInstant().toString()));
        };
    }

    /**
     * On completion of either approval: the decision is required, a rejection needs a reason, and the second
     * approver must be someone other than the first.
     */
    @Bean
    TaskListener recordTrustApproval(TrustRequests requests, Clock clock) {
        return (DelegateTask task) -> {
            boolean first = PartnerTrustProcess.FIRST_APPROVAL.equals(task.getTaskDefinitionKey());
            Boolean approved = PartnerTrustProcess.decision(task, first);
            if (approved == null) {
                throw new ProcessEngineException("Set '" + PartnerTrustProcess.decisionVariable(first) + "' to true or false");
            }
            String user = FourEyes.decider(task);
            long id = PartnerTrustProcess.trustRequestId(task);
            TrustRequests.TrustRequest request = requests.get(id);
            if (!request.reference().equals(task.getExecution().getProcessBusinessKey())) {
                throw new ProcessEngineException("This task decides trust request " + task.getExecution().getProcessBusinessKey()
                        + ", not " + request.reference());
            }
            if (!first) {
                FourEyes.requireSecondDecider("this trust request", request.firstDecidedBy(), user);
            }
            String reason = PartnerTrustProcess.rejectionReason(task);
            if (!approved && (reason == null || reason.isBlank())) {
                throw new ProcessEngineException("A rejection needs a reason for the client: fill in 'rejectionReason'");
            }
            requests.recordDecision(id, first, user, approved, clock.instant());
            var process = task.getExecution().getProcessInstance();
            // shown in the second approval's form; decisions read certdesk's record, never this variable
            PartnerTrustProcess.setApprover(process, first, user);
            // the gateway after this task routes on exactly the decision checked and recorded here: a value of the
            // same name set anywhere else (the other approval's variable, set early) never counts
            PartnerTrustProcess.setDecision(process, first, approved);
        };
    }

    private static List<String> to(TrustRequests.TrustRequest request) {
        return request.senderEmail() == null ? List.of() : List.of(request.senderEmail());
    }

    private static String indent(String text) {
        return text == null ? "-" : text.lines().collect(Collectors.joining("\n  "));
    }
}
