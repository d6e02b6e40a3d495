package io.certdesk.notify;

import java.util.List;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.RequestService;
import io.certdesk.revocation.RevocationProcess;
import io.certdesk.trust.PartnerTrustProcess;
import io.certdesk.trust.TrustRequests;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the non-interrupting timers on every user task do (bpmn/: {@code BoundaryEvent_..FollowUpReached} and
 * {@code BoundaryEvent_..Overdue}, each followed by a message end event that calls one of these beans). The timer
 * fires at the task's follow-up or due date, both from {@code certdesk.approvers.follow-up} and
 * {@code decision-due} ({@code ${approverGroup...}}); the task stays open and the mails go out afterwards.
 */
@Configuration
public class ApprovalTimers {

    /** Follow-up date reached: the task's candidate groups are reminded. */
    @Bean
    JavaDelegate remindApprovers(ApproverNotifications notifications) {
        return execution -> {
            TaskService tasks = execution.getProcessEngineServices().getTaskService();
            for (Task task : waitingTasks(execution)) {
                tasks.getIdentityLinksForTask(task.getId()).stream()
                        .filter(link -> IdentityLinkType.CANDIDATE.equals(link.getType()) && link.getGroupId() != null)
                        .map(link -> link.getGroupId()).distinct()
                        .forEach(group -> notifications.forGroup(ApproverNotifications.Kind.REMINDER, task.getId(), group));
            }
        };
    }

    /**
     * Due date passed: the task's priority is raised so it stands out in the Tasklist, the escalation group and
     * address hear of it, and the client whose request it is hears once that it is still being looked at.
     */
    @Bean
    JavaDelegate escalateOverdueTask(ApproverNotifications notifications, CertdeskProperties properties,
                                     RequestService requests, Notifier notifier, TrustRequests trustRequests) {
        CertdeskProperties.Notifications settings = properties.notifications();
        return execution -> {
            TaskService tasks = execution.getProcessEngineServices().getTaskService();
            for (Task task : waitingTasks(execution)) {
                if (task.getPriority() < settings.overduePriority()) {
                    tasks.setPriority(task.getId(), settings.overduePriority());
                }
                notifications.escalation(task.getId());
                String client = settings.tellClientWhenOverdue() ? clientOf(task, execution, requests, notifier, trustRequests) : null;
                if (client != null && execution.getProcessBusinessKey() != null) {
                    notifications.stillLooking(execution.getProcessBusinessKey(), client);
                }
            }
        };
    }

    /** Whoever asked for what {@code task} decides, when a client waits for it; null for certdesk's own reviews. */
    private static String clientOf(Task task, DelegateExecution execution, RequestService requests, Notifier notifier,
                                   TrustRequests trustRequests) {
        String address = switch (task.getTaskDefinitionKey()) {
            case OnboardingProcess.APPROVE_REQUEST -> notifier.beforeApproval(requests.get(OnboardingProcess.requestId(execution)))
                    .stream().findFirst().orElse(null);
            case PartnerTrustProcess.FIRST_APPROVAL, PartnerTrustProcess.SECOND_APPROVAL ->
                    trustRequests.get(PartnerTrustProcess.trustRequestId(execution)).senderEmail();
            case RevocationProcess.APPROVE_REVOCATION -> RevocationProcess.string(execution, RevocationProcess.REPLY_TO);
            default -> null;
        };
        return address == null || address.isBlank() ? null : address;
    }

    /** The open tasks of the user task the firing timer is attached to. */
    private static List<Task> waitingTasks(DelegateExecution execution) {
        FlowNode end = (FlowNode) execution.getBpmnModelElementInstance();
        BoundaryEvent timer = (BoundaryEvent) end.getIncoming().iterator().next().getSource();
        return execution.getProcessEngineServices().getTaskService().createTaskQuery()
                .processInstanceId(execution.getProcessInstanceId())
                .taskDefinitionKey(timer.getAttachedTo().getId()).list();
    }
}
