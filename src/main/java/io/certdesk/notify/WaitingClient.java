package io.certdesk.notify;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.task.Task;

/**
 * Who waits for a user task's decision, told once when the decision is overdue ({@link ApprovalTimers}). Each
 * process with a client on the other end offers one next to its own delegates, since it knows its own tasks and
 * variables (revocation and partner trust); the onboarding request's is in {@link ApprovalTimers}, since notify
 * knows where an onboarding request's replies go.
 */
@FunctionalInterface
public interface WaitingClient {

    /** The address of whoever asked for what {@code task} decides; null when {@code task} is not one of this process's. */
    String addressFor(Task task, DelegateExecution execution);
}
