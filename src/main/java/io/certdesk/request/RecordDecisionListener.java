package io.certdesk.request;

import io.certdesk.approval.Decider;
import io.certdesk.onboarding.OnboardingProcess;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

/**
 * On completion of {@code UserTask_ApproveRequest}: records who decided what (the logged-in user, see {@link Decider}). A rejection without a reason is
 * refused, so the client always learns why.
 */
@Component("recordDecision")
public class RecordDecisionListener implements TaskListener {

    private final RequestService requests;

    public RecordDecisionListener(RequestService requests) {
        this.requests = requests;
    }

    @Override
    public void notify(DelegateTask task) {
        Boolean decision = OnboardingProcess.decision(task);
        if (decision == null) {
            throw new ProcessEngineException("Set the variable 'approved' to true or false to decide request "
                    + OnboardingProcess.requestReference(task));
        }
        boolean approved = decision;
        String reason = OnboardingProcess.rejectionReason(task);
        if (!approved && reason.isEmpty()) {
            throw new ProcessEngineException("A rejection needs a reason for the client: fill in 'rejectionReason'");
        }
        long requestId = OnboardingProcess.requestId(task);
        String reference = requests.get(requestId).reference();
        if (!reference.equals(task.getExecution().getProcessBusinessKey())) {
            throw new ProcessEngineException("This task decides request " + task.getExecution().getProcessBusinessKey()
                    + ", not " + reference);
        }
        requests.recordDecision(requestId, approved, Decider.of(task), reason);
    }
}
