package io.certdesk.approval;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.impl.identity.Authentication;

/**
 * Who decided a user task: the user authenticated for the call that completes it (the Tasklist's login, the REST
 * API's HTTP Basic login). Never a process variable a caller can send, never the task's assignee (which anyone
 * allowed to work on the task can set). A completion without a logged-in user is refused.
 */
public final class Decider {

    private Decider() {
    }

    public static String of(DelegateTask task) {
        Authentication authentication = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        if (authentication == null || authentication.getUserId() == null || authentication.getUserId().isBlank()) {
            throw new ProcessEngineException("A decision needs a logged-in approver: complete '" + task.getName()
                    + "' in the Tasklist or through the REST API with your login");
        }
        return authentication.getUserId();
    }
}
