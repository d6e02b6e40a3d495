package io.certdesk.rollover;

import io.certdesk.approval.Decider;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code caRollover} process's service tasks and its approvals' listener, each one call into the use case. */
@Configuration
public class CaRolloverDelegates {

    @Bean
    JavaDelegate checkRolloverRequest(CaRolloverService rollovers) {
        return rollovers::check;
    }

    @Bean
    JavaDelegate createCaGeneration(CaRolloverService rollovers) {
        return execution -> execution.setVariable(CaRolloverProcess.GENERATION, rollovers.createGeneration(CaRolloverProcess.reference(execution)));
    }

    @Bean
    JavaDelegate activateCaGeneration(CaRolloverService rollovers) {
        return execution -> rollovers.activate(CaRolloverProcess.reference(execution));
    }

    @Bean
    JavaDelegate tellContactsOfNewCa(CaRolloverService rollovers) {
        return execution -> rollovers.tellContacts(CaRolloverProcess.reference(execution));
    }

    @Bean
    JavaDelegate recordRolloverRejected(CaRolloverService rollovers) {
        return execution -> rollovers.recordRejected(CaRolloverProcess.reference(execution));
    }

    /**
     * On completion of either approval: the decider is the logged-in user and a member of the rollover approver
     * group, the decision is required, a rejection needs a reason, and the second decider is not the first.
     */
    @Bean
    TaskListener recordRolloverDecision(CaRolloverService rollovers) {
        return (DelegateTask task) -> {
            boolean first = CaRolloverProcess.FIRST_APPROVAL.equals(task.getTaskDefinitionKey());
            if (!CaRolloverProcess.hasDecision(task, first)) {
                throw new ProcessEngineException("Set '" + (first ? CaRolloverProcess.FIRST_APPROVED : CaRolloverProcess.SECOND_APPROVED)
                        + "' to true or false");
            }
            String user = Decider.of(task);
            if (!rollovers.isRolloverApprover(user)) {
                throw new ProcessEngineException(user + " may not decide CA rollovers");
            }
            String reference = CaRolloverProcess.reference(task);
            if (reference == null || !reference.equals(task.getExecution().getProcessBusinessKey())) {
                throw new ProcessEngineException("This task decides rollover " + task.getExecution().getProcessBusinessKey());
            }
            if (!CaRolloverProcess.decision(task, first) && CaRolloverProcess.rejectionReason(task).isBlank()) {
                throw new ProcessEngineException("A rejection needs a reason: fill in 'rejectionReason'");
            }
            boolean approved = CaRolloverProcess.decision(task, first);
            try {
                rollovers.recordDecision(reference, first, user, approved);
            } catch (IllegalStateException refused) {
                throw new ProcessEngineException(refused.getMessage(), refused);
            }
            var process = task.getExecution().getProcessInstance();
            // the gateway after this task routes on exactly the decision checked and recorded here; the steps that
            // act read the record again
            process.setVariable(first ? CaRolloverProcess.FIRST_APPROVED : CaRolloverProcess.SECOND_APPROVED, approved);
            if (first) {
                process.removeVariable(CaRolloverProcess.SECOND_APPROVED);
                // shown in the second approval's form; the four-eyes rule reads certdesk's record, never this variable
                process.setVariable(CaRolloverProcess.FIRST_APPROVER, user);
            }
        };
    }
}
