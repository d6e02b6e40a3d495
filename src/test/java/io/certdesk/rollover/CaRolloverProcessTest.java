package io.certdesk.rollover;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static io.certdesk.support.ProcessTestEngine.fireTimer;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.identityService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import io.certdesk.support.ApproverDates;
import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bpmn/caRollover.bpmn alone, delegates mocked. As with partner trust, four eyes lives in the
 * {@code recordRolloverDecision} listener (it checks certdesk's record), mocked here; the test shows that a
 * decision the listener refuses leaves the approval open and creates no CA. CaRolloverIT proves the rule itself.
 */
class CaRolloverProcessTest {

    private static final String REFERENCE = "RO-qa-2026-1";
    private static final String CHECK_REQUEST = "Task_CheckRolloverRequest";
    private static final String CREATE_GENERATION = "Task_CreateCaGeneration";
    private static final String ACTIVATE_GENERATION = "Task_ActivateCaGeneration";
    private static final String TELL_CONTACTS = "Task_TellContactsOfNewCa";
    private static final String RECORD_REJECTED = "Task_RecordRolloverRejected";
    private static final String END_ROLLED_OVER = "EndEvent_CaRolledOver";
    private static final String END_REJECTED = "EndEvent_RolloverRejected";
    private static final String END_REFUSED = "EndEvent_RolloverRefused";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/caRollover.bpmn");

    private JavaDelegate checkRolloverRequest;
    private JavaDelegate recordRolloverRejected;
    private JavaDelegate createCaGeneration;
    private JavaDelegate activateCaGeneration;
    private JavaDelegate tellContactsOfNewCa;
    private JavaDelegate remindApprovers;
    private JavaDelegate escalateOverdueTask;
    private TaskListener recordRolloverDecision;

    @BeforeEach
    void mockBeans() throws Exception {
        checkRolloverRequest = ProcessTestEngine.delegate("checkRolloverRequest");
        recordRolloverRejected = ProcessTestEngine.delegate("recordRolloverRejected");
        createCaGeneration = ProcessTestEngine.delegate("createCaGeneration");
        activateCaGeneration = ProcessTestEngine.delegate("activateCaGeneration");
        tellContactsOfNewCa = ProcessTestEngine.delegate("tellContactsOfNewCa");
        remindApprovers = ProcessTestEngine.delegate("remindApprovers");
        escalateOverdueTask = ProcessTestEngine.delegate("escalateOverdueTask");
        recordRolloverDecision = ProcessTestEngine.taskListener("recordRolloverDecision");
        Mocks.register("rolloverApprovers", new ApproverDates());

        // as the real check: the rollover's reference, for the tasks' names
        doAnswer(call -> {
            call.<DelegateExecution>getArgument(0).setVariable(CaRolloverProcess.REFERENCE, REFERENCE);
            return null;
        }).when(checkRolloverRequest).execute(any());
        // as the real listener after its checks: who approved first, shown in the second task
        doAnswer(call -> {
            DelegateTask task = call.getArgument(0);
            if (CaRolloverProcess.FIRST_APPROVAL.equals(task.getTaskDefinitionKey())) {
                task.getExecution().getProcessInstance().setVariable(CaRolloverProcess.FIRST_APPROVER, "alice");
            }
            return null;
        }).when(recordRolloverDecision).notify(any());
    }

    @AfterEach
    void logOut() {
        identityService().clearAuthentication();
    }

    @Test
    void rolloverApprovedTwiceCreatesActivatesAndAnnouncesTheNewCa() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();
        Assertions.assertThat(task().getName()).isEqualTo("Roll over the qa CA (" + REFERENCE + "): first approval");
        Assertions.assertThat(task().getDescription()).isEqualTo("operator asks to roll over the qa CA: a new CA key"
                + " and certificate, the current CA trusted beside it for 365 days. Reason: CA key ages out");
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasDueDate(Date.from(START.plus(ApproverDates.DUE)))
                .hasFormKey("embedded:deployment:bpmn/forms/ca-rollover-approval.html");
        complete(task(), withVariables(CaRolloverProcess.FIRST_APPROVED, true));

        assertThat(pi).isWaitingAt(CaRolloverProcess.SECOND_APPROVAL);
        Assertions.assertThat(task().getDescription()).startsWith("alice approved rolling over the qa CA");
        complete(task(), withVariables(CaRolloverProcess.SECOND_APPROVED, true));
        executeJobAt(pi, CREATE_GENERATION);
        executeJobAt(pi, ACTIVATE_GENERATION);
        executeJobAt(pi, TELL_CONTACTS);

        assertThat(pi).isEnded().hasPassedInOrder(CHECK_REQUEST, CaRolloverProcess.FIRST_APPROVAL,
                "Gateway_FirstApproved", CaRolloverProcess.SECOND_APPROVAL, "Gateway_SecondApproved",
                CREATE_GENERATION, ACTIVATE_GENERATION, TELL_CONTACTS, END_ROLLED_OVER);
        verify(recordRolloverDecision, times(2)).notify(any());
        verify(createCaGeneration, times(1)).execute(any());
        verify(activateCaGeneration, times(1)).execute(any());
        verify(tellContactsOfNewCa, times(1)).execute(any());
        verify(recordRolloverRejected, never()).execute(any());
    }

    @Test
    void firstRejectionEndsTheRolloverWithoutSecondApproval() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();

        complete(task(), withVariables(CaRolloverProcess.FIRST_APPROVED, false, "rejectionReason", "not now"));

        assertThat(pi).isEnded().hasPassed(RECORD_REJECTED, END_REJECTED)
                .hasNotPassed(CaRolloverProcess.SECOND_APPROVAL, CREATE_GENERATION);
        verify(recordRolloverRejected, times(1)).execute(any());
        verify(createCaGeneration, never()).execute(any());
    }

    @Test
    void secondRejectionEndsTheRolloverWithoutNewCa() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();
        complete(task(), withVariables(CaRolloverProcess.FIRST_APPROVED, true));

        complete(task(), withVariables(CaRolloverProcess.SECOND_APPROVED, false, "rejectionReason", "wrong overlap"));

        assertThat(pi).isEnded().hasPassed(CaRolloverProcess.SECOND_APPROVAL, RECORD_REJECTED, END_REJECTED)
                .hasNotPassed(CREATE_GENERATION);
        verify(recordRolloverRejected, times(1)).execute(any());
        verify(createCaGeneration, never()).execute(any());
    }

    @Test
    void refusedRequestEndsBeforeAnyApprover() throws Exception {
        doThrow(new BpmnError(CaRolloverProcess.ERROR_REFUSED, "a rollover of qa is under way"))
                .when(checkRolloverRequest).execute(any());
        ProcessInstance pi = start();

        executeJobAt(pi, CHECK_REQUEST);

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_RolloverRefused", END_REFUSED)
                .hasNotPassed(CaRolloverProcess.FIRST_APPROVAL);
        verify(recordRolloverDecision, never()).notify(any());
    }

    @Test
    void secondDecisionRefusedByTheListenerKeepsTheApprovalOpenAndCreatesNoCa() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();
        complete(task(), withVariables(CaRolloverProcess.FIRST_APPROVED, true));
        doThrow(new ProcessEngineException("alice made the first decision")).when(recordRolloverDecision).notify(any());

        assertThatThrownBy(() -> complete(task(), withVariables(CaRolloverProcess.SECOND_APPROVED, true)))
                .hasMessageContaining("alice made the first decision");

        assertThat(pi).isWaitingAt(CaRolloverProcess.SECOND_APPROVAL).hasNotPassed(CREATE_GENERATION);
        verify(createCaGeneration, never()).execute(any());
    }

    @Test
    void bothApprovalsRemindAtFollowUpAndEscalateWhenOverdueOnceEach() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();

        fireTimer(pi, "BoundaryEvent_FirstRolloverApprovalFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_FirstRolloverApprovalOverdue", START.plus(ApproverDates.DUE));
        assertThat(pi).isWaitingAt(CaRolloverProcess.FIRST_APPROVAL).hasPassed(
                "EndEvent_FirstRolloverApprovalApproversReminded", "EndEvent_FirstRolloverApprovalOverdueEscalated");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, times(1)).execute(any());

        Instant firstDecided = START.plus(ApproverDates.DUE).plus(Duration.ofHours(1));
        ProcessTestEngine.clockAt(firstDecided);
        complete(task(), withVariables(CaRolloverProcess.FIRST_APPROVED, true));
        fireTimer(pi, "BoundaryEvent_SecondRolloverApprovalFollowUpReached", firstDecided.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_SecondRolloverApprovalOverdue", firstDecided.plus(ApproverDates.DUE));
        assertThat(pi).isWaitingAt(CaRolloverProcess.SECOND_APPROVAL).hasPassed(
                "EndEvent_SecondRolloverApprovalApproversReminded", "EndEvent_SecondRolloverApprovalOverdueEscalated");
        verify(remindApprovers, times(2)).execute(any());
        verify(escalateOverdueTask, times(2)).execute(any());
    }

    /** Started by an administrator, as the admin API does: the initiator becomes {@code requestedBy}. */
    private ProcessInstance start() {
        identityService().setAuthenticatedUserId("operator");
        ProcessInstance pi = runtimeService().startProcessInstanceByKey(CaRolloverProcess.KEY, REFERENCE, Map.of(
                CaRolloverProcess.ENVIRONMENT, "qa",
                CaRolloverProcess.OVERLAP_DAYS, 365L,
                CaRolloverProcess.REASON, "CA key ages out"));
        identityService().clearAuthentication();
        assertThat(pi).isWaitingAt(CHECK_REQUEST)
                .variables().containsEntry(CaRolloverProcess.REQUESTED_BY, "operator");
        return pi;
    }

    private ProcessInstance waitingForFirstApproval() throws Exception {
        ProcessInstance pi = start();
        executeJobAt(pi, CHECK_REQUEST);
        assertThat(pi).isWaitingAt(CaRolloverProcess.FIRST_APPROVAL);
        verify(checkRolloverRequest, times(1)).execute(any());
        return pi;
    }
}
