package io.certdesk.est;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static io.certdesk.support.ProcessTestEngine.fireTimer;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.Map;

import io.certdesk.onboarding.OnboardingProcess;
import io.certdesk.support.ApproverDates;
import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bpmn/estEnrollment.bpmn alone, delegates mocked. The process runs in the client's HTTP request up to signing:
 * an automatic re-enrollment is signed before the start call returns, only the contacts' mail is a job of its own.
 */
class EstEnrollmentProcessTest {

    private static final String REFERENCE = "CR-2026-000043";
    private static final String CLIENT_SERIAL = "4e21";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/estEnrollment.bpmn");

    private JavaDelegate validateEstRequest;
    private JavaDelegate checkEstRenewalWindow;
    private JavaDelegate approveEstReenrollment;
    private JavaDelegate signCertificate;
    private JavaDelegate notifyEstCertificateIssued;
    private JavaDelegate remindApprovers;
    private JavaDelegate escalateOverdueTask;
    private TaskListener recordDecision;

    @BeforeEach
    void mockBeans() throws Exception {
        validateEstRequest = ProcessTestEngine.delegate("validateEstRequest");
        checkEstRenewalWindow = ProcessTestEngine.delegate("checkEstRenewalWindow");
        approveEstReenrollment = ProcessTestEngine.delegate("approveEstReenrollment");
        signCertificate = ProcessTestEngine.delegate("signCertificate");
        notifyEstCertificateIssued = ProcessTestEngine.delegate("notifyEstCertificateIssued");
        remindApprovers = ProcessTestEngine.delegate("remindApprovers");
        escalateOverdueTask = ProcessTestEngine.delegate("escalateOverdueTask");
        recordDecision = ProcessTestEngine.taskListener("recordDecision");
        Mocks.register("approverGroup", new ApproverDates());

        // as the real delegate: a valid request names its organization and environment
        doAnswer(call -> {
            DelegateExecution execution = call.getArgument(0);
            execution.setVariable(OnboardingProcess.ORGANIZATION_ID, "acme-42");
            execution.setVariable(OnboardingProcess.ENVIRONMENT, "qa");
            return null;
        }).when(validateEstRequest).execute(any());
    }

    @Test
    void reenrollmentInsideTheWindowIsSignedWithoutApprover() throws Exception {
        windowCheckSays(true, EstProcess.automaticBy(CLIENT_SERIAL));

        ProcessInstance pi = start();

        // signed within the start call; the contacts' mail waits as a job of its own
        assertThat(pi).isWaitingAt(EstProcess.NOTIFY_TECHNICAL_CONTACTS)
                .hasPassedInOrder(EstProcess.VALIDATE_REQUEST, EstProcess.CHECK_RENEWAL_WINDOW,
                        EstProcess.GATEWAY_AUTOMATIC, EstProcess.APPROVE_AUTOMATICALLY, EstProcess.SIGN_CERTIFICATE)
                .hasNotPassed(EstProcess.APPROVE_REQUEST)
                .variables().containsEntry(EstProcess.APPROVAL_PATH, EstProcess.automaticBy(CLIENT_SERIAL));
        verify(signCertificate, times(1)).execute(any());
        executeJobAt(pi, EstProcess.NOTIFY_TECHNICAL_CONTACTS);

        assertThat(pi).isEnded().hasPassed(EstProcess.END_ISSUED);
        verify(approveEstReenrollment, times(1)).execute(any());
        verify(notifyEstCertificateIssued, times(1)).execute(any());
        verify(recordDecision, never()).notify(any());
    }

    @Test
    void earlyReenrollmentWaitsForTheApproverAndIsSignedOnceApproved() throws Exception {
        ProcessInstance pi = waitingForApprover();
        Assertions.assertThat(task().getName()).isEqualTo("Approve CSR acme-42 (qa) " + REFERENCE);
        Assertions.assertThat(task().getDescription()).isEqualTo("Early re-enrollment, 200 days before expiry.");
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasFormKey("embedded:deployment:bpmn/forms/onboarding-approval.html");

        complete(task(), withVariables(OnboardingProcess.APPROVED, true));
        // the decision commits on its own (async after the task); signing follows as a job
        assertThat(pi).isWaitingAt(EstProcess.APPROVE_REQUEST);
        verify(signCertificate, never()).execute(any());
        executeJobAt(pi, EstProcess.APPROVE_REQUEST);
        executeJobAt(pi, EstProcess.NOTIFY_TECHNICAL_CONTACTS);

        assertThat(pi).isEnded().hasPassedInOrder(EstProcess.APPROVE_REQUEST, "Gateway_Approved",
                EstProcess.SIGN_CERTIFICATE, EstProcess.NOTIFY_TECHNICAL_CONTACTS, EstProcess.END_ISSUED)
                .hasNotPassed(EstProcess.APPROVE_AUTOMATICALLY);
        verify(recordDecision, times(1)).notify(any());
        verify(signCertificate, times(1)).execute(any());
        verify(approveEstReenrollment, never()).execute(any());
    }

    @Test
    void reenrollmentRejectedByTheApproverEndsUnsigned() throws Exception {
        ProcessInstance pi = waitingForApprover();

        complete(task(), withVariables(OnboardingProcess.APPROVED, false,
                OnboardingProcess.REJECTION_REASON, "key must not be reused"));
        executeJobAt(pi, EstProcess.APPROVE_REQUEST);

        assertThat(pi).isEnded().hasPassed(EstProcess.END_REJECTED).hasNotPassed(EstProcess.SIGN_CERTIFICATE);
        verify(signCertificate, never()).execute(any());
        verify(notifyEstCertificateIssued, never()).execute(any());
    }

    @Test
    void failedSigningAfterApprovalIsRetriedWithoutAskingAgain() throws Exception {
        ProcessInstance pi = waitingForApprover();
        complete(task(), withVariables(OnboardingProcess.APPROVED, true));
        doThrow(new IllegalStateException("CA key not available")).doNothing().when(signCertificate).execute(any());

        String jobId = job(EstProcess.APPROVE_REQUEST, pi).getId();
        assertThatThrownBy(() -> managementService().executeJob(jobId)).hasMessageContaining("CA key not available");
        Assertions.assertThat(job(EstProcess.APPROVE_REQUEST, pi).getRetries()).isEqualTo(4);
        executeJobAt(pi, EstProcess.APPROVE_REQUEST);
        executeJobAt(pi, EstProcess.NOTIFY_TECHNICAL_CONTACTS);

        assertThat(pi).isEnded().hasPassed(EstProcess.END_ISSUED);
        verify(recordDecision, times(1)).notify(any());
        verify(signCertificate, times(2)).execute(any());
    }

    @Test
    void requestBreakingPolicyIsRefusedInTheStartCall() throws Exception {
        doThrow(new BpmnError(OnboardingProcess.ERROR_REQUEST_INVALID)).when(validateEstRequest).execute(any());

        ProcessInstance pi = start();

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_RequestInvalid", EstProcess.END_REFUSED_BY_POLICY)
                .hasNotPassed(EstProcess.CHECK_RENEWAL_WINDOW, EstProcess.SIGN_CERTIFICATE);
        verify(checkEstRenewalWindow, never()).execute(any());
        verify(signCertificate, never()).execute(any());
    }

    @Test
    void approvalRemindsAtFollowUpAndEscalatesWhenOverdueOnceEach() throws Exception {
        ProcessInstance pi = waitingForApprover();

        fireTimer(pi, "BoundaryEvent_EstApproveRequestFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_EstApproveRequestOverdue", START.plus(ApproverDates.DUE));

        assertThat(pi).isWaitingAt(EstProcess.APPROVE_REQUEST).hasPassed(
                "EndEvent_EstApproveRequestApproversReminded", "EndEvent_EstApproveRequestOverdueEscalated");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, times(1)).execute(any());
    }

    private void windowCheckSays(boolean automatic, String path) throws Exception {
        doAnswer(call -> {
            DelegateExecution execution = call.getArgument(0);
            EstProcess.setApprovalPath(execution, automatic, path);
            if (!automatic) {
                execution.setVariable(OnboardingProcess.APPROVAL_SUMMARY, path);
            }
            return null;
        }).when(checkEstRenewalWindow).execute(any());
    }

    /** As the EST endpoint starts it: business key the request reference, variables the onboarding's. */
    private ProcessInstance start() {
        return runtimeService().startProcessInstanceByKey(EstProcess.KEY, REFERENCE, Map.of(
                OnboardingProcess.REQUEST_ID, 43L,
                OnboardingProcess.REQUEST_REFERENCE, REFERENCE));
    }

    private ProcessInstance waitingForApprover() throws Exception {
        windowCheckSays(false, "Early re-enrollment, 200 days before expiry.");
        ProcessInstance pi = start();
        assertThat(pi).isWaitingAt(EstProcess.APPROVE_REQUEST)
                .hasPassed(EstProcess.GATEWAY_AUTOMATIC).hasNotPassed(EstProcess.APPROVE_AUTOMATICALLY)
                .variables().containsEntry(EstProcess.AUTOMATIC_REENROLLMENT, false);
        return pi;
    }
}
