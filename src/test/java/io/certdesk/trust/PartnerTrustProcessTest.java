package io.certdesk.trust;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static io.certdesk.support.ProcessTestEngine.fireTimer;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
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
import java.util.Map;

import io.certdesk.support.ApproverDates;
import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bpmn/partnerTrust.bpmn alone, delegates mocked. Four eyes (the second approver differs from the first) is not
 * in the model but in the {@code recordTrustApproval} listener, which checks certdesk's record of the first
 * decision; here that listener is a mock, and the test shows what the model does when it refuses a decision: the
 * task stays open and nothing is trusted. The rule itself is proven end to end by PartnerTrustIT.
 */
class PartnerTrustProcessTest {

    private static final String REFERENCE = "TR-2026-000042";
    private static final String GATEWAY_FIRST = "Gateway_FirstApproved";
    private static final String GATEWAY_SECOND = "Gateway_SecondApproved";
    private static final String SEND_ACKNOWLEDGEMENT = "Task_SendTrustAcknowledgement";
    private static final String SEND_CHAIN_REJECTION = "Task_SendChainRejection";
    private static final String SEND_TRUST_REJECTION = "Task_SendTrustRejection";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/partnerTrust.bpmn");

    private JavaDelegate validateChain;
    private JavaDelegate sendChainRejection;
    private JavaDelegate sendTrustAcknowledgement;
    private JavaDelegate sendTrustRejection;
    private JavaDelegate trustPartnerCa;
    private JavaDelegate remindApprovers;
    private JavaDelegate escalateOverdueTask;
    private TaskListener recordTrustApproval;

    @BeforeEach
    void mockBeans() {
        validateChain = ProcessTestEngine.delegate("validateChain");
        sendChainRejection = ProcessTestEngine.delegate("sendChainRejection");
        sendTrustAcknowledgement = ProcessTestEngine.delegate("sendTrustAcknowledgement");
        sendTrustRejection = ProcessTestEngine.delegate("sendTrustRejection");
        trustPartnerCa = ProcessTestEngine.delegate("trustPartnerCa");
        remindApprovers = ProcessTestEngine.delegate("remindApprovers");
        escalateOverdueTask = ProcessTestEngine.delegate("escalateOverdueTask");
        recordTrustApproval = ProcessTestEngine.taskListener("recordTrustApproval");
        Mocks.register("approverGroup", new ApproverDates());
        // as the real listener after its checks: the first approver's name is shown in the second task
        doAnswer(call -> {
            DelegateTask task = call.getArgument(0);
            if (PartnerTrustProcess.FIRST_APPROVAL.equals(task.getTaskDefinitionKey())) {
                task.getExecution().getProcessInstance().setVariable(PartnerTrustProcess.FIRST_APPROVER, "alice");
            }
            return null;
        }).when(recordTrustApproval).notify(any());
    }

    @Test
    void chainApprovedByBothIsTrusted() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();
        Assertions.assertThat(task().getName())
                .isEqualTo("Trust partner CA of acme-42 (qa) " + REFERENCE + ": first approval");
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasFormKey("embedded:deployment:bpmn/forms/partner-trust-approval.html");
        complete(task(), withVariables(PartnerTrustProcess.FIRST_APPROVED, true));

        assertThat(pi).isWaitingAt(PartnerTrustProcess.SECOND_APPROVAL);
        Assertions.assertThat(task().getDescription()).contains("alice approved first");
        complete(task(), withVariables(PartnerTrustProcess.SECOND_APPROVED, true));
        executeJobAt(pi, PartnerTrustProcess.TRUST_PARTNER_CA);

        assertThat(pi).isEnded().hasPassedInOrder(PartnerTrustProcess.VALIDATE_CHAIN, SEND_ACKNOWLEDGEMENT,
                PartnerTrustProcess.FIRST_APPROVAL, GATEWAY_FIRST, PartnerTrustProcess.SECOND_APPROVAL, GATEWAY_SECOND,
                PartnerTrustProcess.TRUST_PARTNER_CA, PartnerTrustProcess.END_TRUSTED);
        verify(recordTrustApproval, times(2)).notify(any());
        verify(trustPartnerCa, times(1)).execute(any());
        verify(sendTrustRejection, never()).execute(any());
    }

    @Test
    void firstRejectionEndsWithoutSecondApproval() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();

        complete(task(), withVariables(PartnerTrustProcess.FIRST_APPROVED, false,
                PartnerTrustProcess.REJECTION_REASON, "not our partner"));
        executeJobAt(pi, SEND_TRUST_REJECTION);

        assertThat(pi).isEnded().hasPassed(SEND_TRUST_REJECTION, PartnerTrustProcess.END_TRUST_REJECTED)
                .hasNotPassed(PartnerTrustProcess.SECOND_APPROVAL, PartnerTrustProcess.TRUST_PARTNER_CA);
        verify(sendTrustRejection, times(1)).execute(any());
        verify(trustPartnerCa, never()).execute(any());
    }

    @Test
    void secondRejectionEndsUntrusted() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();
        complete(task(), withVariables(PartnerTrustProcess.FIRST_APPROVED, true));

        complete(task(), withVariables(PartnerTrustProcess.SECOND_APPROVED, false,
                PartnerTrustProcess.REJECTION_REASON, "CA too broad"));
        executeJobAt(pi, SEND_TRUST_REJECTION);

        assertThat(pi).isEnded().hasPassed(PartnerTrustProcess.SECOND_APPROVAL, SEND_TRUST_REJECTION,
                PartnerTrustProcess.END_TRUST_REJECTED).hasNotPassed(PartnerTrustProcess.TRUST_PARTNER_CA);
        verify(trustPartnerCa, never()).execute(any());
    }

    @Test
    void invalidChainIsAnsweredWithoutApprovers() throws Exception {
        doThrow(new BpmnError(PartnerTrustProcess.ERROR_CHAIN_INVALID)).when(validateChain).execute(any());
        ProcessInstance pi = start();

        executeJobAt(pi, PartnerTrustProcess.VALIDATE_CHAIN);
        executeJobAt(pi, SEND_CHAIN_REJECTION);

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_ChainInvalid", PartnerTrustProcess.END_CHAIN_REJECTED)
                .hasNotPassed(SEND_ACKNOWLEDGEMENT, PartnerTrustProcess.FIRST_APPROVAL);
        verify(sendChainRejection, times(1)).execute(any());
        verify(sendTrustAcknowledgement, never()).execute(any());
    }

    @Test
    void secondDecisionRefusedByTheListenerKeepsTheTaskOpenAndTrustsNothing() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();
        complete(task(), withVariables(PartnerTrustProcess.FIRST_APPROVED, true));
        doThrow(new ProcessEngineException("Four eyes: alice made the first decision"))
                .when(recordTrustApproval).notify(any());

        assertThatThrownBy(() -> complete(task(), withVariables(PartnerTrustProcess.SECOND_APPROVED, true)))
                .hasMessageContaining("Four eyes");

        assertThat(pi).isWaitingAt(PartnerTrustProcess.SECOND_APPROVAL)
                .hasNotPassed(GATEWAY_SECOND, PartnerTrustProcess.TRUST_PARTNER_CA);
        Assertions.assertThat(runtimeService().getVariable(pi.getId(), PartnerTrustProcess.SECOND_APPROVED)).isNull();
        verify(trustPartnerCa, never()).execute(any());
    }

    @Test
    void bothApprovalsRemindAtFollowUpAndEscalateWhenOverdueOnceEach() throws Exception {
        ProcessInstance pi = waitingForFirstApproval();

        fireTimer(pi, "BoundaryEvent_FirstTrustApprovalFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_FirstTrustApprovalOverdue", START.plus(ApproverDates.DUE));
        assertThat(pi).isWaitingAt(PartnerTrustProcess.FIRST_APPROVAL).hasPassed(
                "EndEvent_FirstTrustApprovalApproversReminded", "EndEvent_FirstTrustApprovalOverdueEscalated");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, times(1)).execute(any());

        // the second task's dates count from its creation, when the first approver decides
        Instant firstDecided = START.plus(ApproverDates.DUE).plus(Duration.ofHours(3));
        ProcessTestEngine.clockAt(firstDecided);
        complete(task(), withVariables(PartnerTrustProcess.FIRST_APPROVED, true));
        fireTimer(pi, "BoundaryEvent_SecondTrustApprovalFollowUpReached", firstDecided.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_SecondTrustApprovalOverdue", firstDecided.plus(ApproverDates.DUE));
        assertThat(pi).isWaitingAt(PartnerTrustProcess.SECOND_APPROVAL).hasPassed(
                "EndEvent_SecondTrustApprovalApproversReminded", "EndEvent_SecondTrustApprovalOverdueEscalated");
        verify(remindApprovers, times(2)).execute(any());
        verify(escalateOverdueTask, times(2)).execute(any());

        complete(task(), withVariables(PartnerTrustProcess.SECOND_APPROVED, true));
        executeJobAt(pi, PartnerTrustProcess.TRUST_PARTNER_CA);
        assertThat(pi).isEnded().hasPassed(PartnerTrustProcess.END_TRUSTED);
    }

    private ProcessInstance start() {
        ProcessInstance pi = runtimeService().startProcessInstanceByKey(PartnerTrustProcess.KEY, REFERENCE, Map.of(
                PartnerTrustProcess.TRUST_REQUEST_ID, 42L,
                PartnerTrustProcess.REFERENCE, REFERENCE,
                PartnerTrustProcess.ORGANIZATION_ID, "acme-42",
                PartnerTrustProcess.ENVIRONMENT, "qa"));
        assertThat(pi).isWaitingAt(PartnerTrustProcess.VALIDATE_CHAIN);
        return pi;
    }

    private ProcessInstance waitingForFirstApproval() throws Exception {
        ProcessInstance pi = start();
        executeJobAt(pi, PartnerTrustProcess.VALIDATE_CHAIN);
        executeJobAt(pi, SEND_ACKNOWLEDGEMENT);
        assertThat(pi).isWaitingAt(PartnerTrustProcess.FIRST_APPROVAL);
        verify(validateChain, times(1)).execute(any());
        verify(sendTrustAcknowledgement, times(1)).execute(any());
        return pi;
    }
}
