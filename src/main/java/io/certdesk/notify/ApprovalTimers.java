package io.certdesk.notify;

import java.util.List;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.request.RequestService;
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
                                     List<WaitingClient> waitingClients) {
        CertdeskProperties.Notifications settings = properties.notifications();
        return execution -> {
            TaskService tasks = execution.getProcessEngineServices().getTaskService();
            for (Task task : waitingTasks(execution)) {
                if (task.getPriority() < settings.overduePriority()) {
                    tasks.setPriority(task.getId(), settings.overduePriority());
                }
                notifications.escalation(task.getId());
                String client = settings.tellClientWhenOverdue() ? clientOf(task, execution, waitingClients) : null;
                if (client != null && execution.getProcessBusinessKey() != null) {
                    notifications.stillLooking(execution.getProcessBusinessKey(), client);
                }
            }
        };
    }

    /** The client waiting for an onboarding request's approval: the first address its replies go to. */
    @Bean
    WaitingClient onboardingWaitingClient(RequestService requests, Notifier notifier) {
        return (task, execution) -> OnboardingProcess.APPROVE_REQUEST.equals(task.getTaskDefinitionKey())
                ? notifier.beforeApproval(requests.get(OnboardingProcess.requestId(execution))).stream().findFirst().orElse(null)
                : null;
    }

    /** Whoever asked for what {@code task} decides, when a client waits for it; null for certdesk's own reviews. */
    private static String clientOf(Task task, DelegateExecution execution, List<WaitingClient> waitingClients) {
        for (WaitingClient waitingClient : waitingClients) {
            String address = waitingClient.addressFor(task, execution);
            if (address != null) {
                return address.isBlank() ? null : address;
            }
        }
        return null;
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
