package io.certdesk.onboarding;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static io.certdesk.support.ProcessTestEngine.fireTimer;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.jobQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.Date;
import java.util.Map;

import io.certdesk.support.ApproverDates;
import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bpmn/certificateOnboarding.bpmn alone: every path from the CSR mail to its end, with each delegate mocked. What
 * the delegates do is tested with the services they call; that the wiring holds, end to end, in the *IT tests.
 */
class CertificateOnboardingProcessTest {

    private static final String REFERENCE = "CR-2026-000042";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/certificateOnboarding.bpmn");

    private JavaDelegate validateRequest;
    private JavaDelegate sendAcknowledgement;
    private JavaDelegate signCertificate;
    private JavaDelegate deliverCertificate;
    private JavaDelegate sendRejection;
    private JavaDelegate sendPolicyRejection;
    private JavaDelegate sendPrivateKeyWarning;
    private JavaDelegate revokeExposedCertificates;
    private JavaDelegate sendNotARequestReply;
    private JavaDelegate remindApprovers;
    private JavaDelegate escalateOverdueTask;
    private TaskListener recordDecision;

    @BeforeEach
    void mockBeans() throws Exception {
        validateRequest = ProcessTestEngine.delegate("validateRequest");
        sendAcknowledgement = ProcessTestEngine.delegate("sendAcknowledgement");
        signCertificate = ProcessTestEngine.delegate("signCertificate");
        deliverCertificate = ProcessTestEngine.delegate("deliverCertificate");
        sendRejection = ProcessTestEngine.delegate("sendRejection");
        sendPolicyRejection = ProcessTestEngine.delegate("sendPolicyRejection");
        sendPrivateKeyWarning = ProcessTestEngine.delegate("sendPrivateKeyWarning");
        revokeExposedCertificates = ProcessTestEngine.delegate("revokeExposedCertificates");
        sendNotARequestReply = ProcessTestEngine.delegate("sendNotARequestReply");
        remindApprovers = ProcessTestEngine.delegate("remindApprovers");
        escalateOverdueTask = ProcessTestEngine.delegate("escalateOverdueTask");
        recordDecision = ProcessTestEngine.taskListener("recordDecision");
        Mocks.register("approverGroup", new ApproverDates());

        // as the real delegate: a valid request names its organization and environment for the task
        doAnswer(call -> {
            DelegateExecution execution = call.getArgument(0);
            execution.setVariable(OnboardingProcess.ORGANIZATION_ID, "acme-42");
            execution.setVariable(OnboardingProcess.ENVIRONMENT, "qa");
            execution.setVariable(OnboardingProcess.APPROVAL_SUMMARY, "acme-42 asks for a qa certificate");
            return null;
        }).when(validateRequest).execute(any());
        doAnswer(call -> {
            OnboardingProcess.setCertificateSerial(call.<DelegateExecution>getArgument(0), "5f3a");
            return null;
        }).when(signCertificate).execute(any());
    }

    @Test
    void approvedRequestIsSignedAndDelivered() throws Exception {
        ProcessInstance pi = waitingForApproval();

        Assertions.assertThat(task().getName()).isEqualTo("Approve CSR acme-42 (qa) " + REFERENCE);
        Assertions.assertThat(task().getDescription()).isEqualTo("acme-42 asks for a qa certificate");
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasDueDate(Date.from(START.plus(ApproverDates.DUE)))
                .hasFormKey("embedded:deployment:bpmn/forms/onboarding-approval.html");
        complete(task(), withVariables(OnboardingProcess.APPROVED, true));

        verify(recordDecision, times(1)).notify(any());
        assertThat(pi).isWaitingAt(OnboardingProcess.SIGN_CERTIFICATE);
        executeJobAt(pi, OnboardingProcess.SIGN_CERTIFICATE);
        assertThat(pi).isWaitingAt(OnboardingProcess.DELIVER_CERTIFICATE)
                .variables().containsEntry(OnboardingProcess.CERTIFICATE_SERIAL, "5f3a");
        executeJobAt(pi, OnboardingProcess.DELIVER_CERTIFICATE);

        assertThat(pi).hasPassedInOrder(OnboardingProcess.VALIDATE_REQUEST, OnboardingProcess.SEND_ACKNOWLEDGEMENT,
                        OnboardingProcess.APPROVE_REQUEST, "Gateway_Approved", OnboardingProcess.SIGN_CERTIFICATE,
                        OnboardingProcess.DELIVER_CERTIFICATE)
                .isEnded().hasPassed(OnboardingProcess.END_DELIVERED);
        verify(signCertificate, times(1)).execute(any());
        verify(deliverCertificate, times(1)).execute(any());
        verify(sendRejection, never()).execute(any());
        verify(remindApprovers, never()).execute(any());
        verify(escalateOverdueTask, never()).execute(any());
    }

    @Test
    void rejectedRequestGetsTheRejectionAndNoCertificate() throws Exception {
        ProcessInstance pi = waitingForApproval();

        complete(task(), withVariables(OnboardingProcess.APPROVED, false,
                OnboardingProcess.REJECTION_REASON, "unknown organization"));
        executeJobAt(pi, OnboardingProcess.SEND_REJECTION);

        assertThat(pi).isEnded().hasPassed(OnboardingProcess.SEND_REJECTION, OnboardingProcess.END_REJECTED)
                .hasNotPassed(OnboardingProcess.SIGN_CERTIFICATE, OnboardingProcess.DELIVER_CERTIFICATE);
        verify(sendRejection, times(1)).execute(any());
        verify(signCertificate, never()).execute(any());
        verify(deliverCertificate, never()).execute(any());
    }

    @Test
    void requestBreakingPolicyGetsThePolicyRejectionWithoutApprover() throws Exception {
        doThrow(new BpmnError(OnboardingProcess.ERROR_REQUEST_INVALID)).when(validateRequest).execute(any());
        ProcessInstance pi = start();

        executeJobAt(pi, OnboardingProcess.VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(OnboardingProcess.SEND_POLICY_REJECTION);
        executeJobAt(pi, OnboardingProcess.SEND_POLICY_REJECTION);

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_RequestInvalid", OnboardingProcess.END_REJECTED_BY_POLICY)
                .hasNotPassed(OnboardingProcess.SEND_ACKNOWLEDGEMENT, OnboardingProcess.APPROVE_REQUEST);
        verify(sendPolicyRejection, times(1)).execute(any());
        verify(sendAcknowledgement, never()).execute(any());
        verify(signCertificate, never()).execute(any());
    }

    @Test
    void mailWithoutCsrGetsTheNotARequestReply() throws Exception {
        doThrow(new BpmnError(OnboardingProcess.ERROR_NOT_A_REQUEST)).when(validateRequest).execute(any());
        ProcessInstance pi = start();

        executeJobAt(pi, OnboardingProcess.VALIDATE_REQUEST);
        executeJobAt(pi, OnboardingProcess.SEND_NOT_A_REQUEST_REPLY);

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_NotARequest", OnboardingProcess.END_NOT_A_REQUEST)
                .hasNotPassed(OnboardingProcess.SEND_ACKNOWLEDGEMENT, OnboardingProcess.SEND_POLICY_REJECTION);
        verify(sendNotARequestReply, times(1)).execute(any());
        verify(sendAcknowledgement, never()).execute(any());
    }

    @Test
    void exposedPrivateKeyIsWarnedRevokedAndReviewedNeverSigned() throws Exception {
        doThrow(new BpmnError(OnboardingProcess.ERROR_PRIVATE_KEY_EXPOSED)).when(validateRequest).execute(any());
        ProcessInstance pi = start();

        executeJobAt(pi, OnboardingProcess.VALIDATE_REQUEST);
        executeJobAt(pi, OnboardingProcess.SEND_PRIVATE_KEY_WARNING);
        executeJobAt(pi, OnboardingProcess.REVOKE_EXPOSED_CERTIFICATES);
        assertThat(pi).isWaitingAt(OnboardingProcess.REVIEW_EXPOSED_KEY);
        Assertions.assertThat(task().getName()).isEqualTo("Review exposed private key " + REFERENCE);
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasFormKey("embedded:deployment:bpmn/forms/exposed-key-review.html");
        complete(task());

        assertThat(pi).isEnded().hasPassedInOrder("BoundaryEvent_PrivateKeyExposed",
                        OnboardingProcess.SEND_PRIVATE_KEY_WARNING, OnboardingProcess.REVOKE_EXPOSED_CERTIFICATES,
                        OnboardingProcess.REVIEW_EXPOSED_KEY, OnboardingProcess.END_EXPOSED_KEY_REVIEWED)
                .hasNotPassed(OnboardingProcess.APPROVE_REQUEST, OnboardingProcess.SIGN_CERTIFICATE);
        verify(sendPrivateKeyWarning, times(1)).execute(any());
        verify(revokeExposedCertificates, times(1)).execute(any());
        verify(signCertificate, never()).execute(any());
    }

    @Test
    void signingThatKeepsFailingBecomesAnIncidentAndResumesOnceRetried() throws Exception {
        ProcessInstance pi = waitingForApproval();
        complete(task(), withVariables(OnboardingProcess.APPROVED, true));
        doThrow(new IllegalStateException("CA key not available")).when(signCertificate).execute(any());

        for (int attempt = 1; attempt <= 5; attempt++) {
            Job signing = job(OnboardingProcess.SIGN_CERTIFICATE, pi);
            assertThatThrownBy(() -> managementService().executeJob(signing.getId()))
                    .hasMessageContaining("CA key not available");
            Assertions.assertThat(job(OnboardingProcess.SIGN_CERTIFICATE, pi).getRetries())
                    .as("retries left after attempt %d (R5/PT1M)", attempt).isEqualTo(5 - attempt);
        }
        Assertions.assertThat(runtimeService().createIncidentQuery().processInstanceId(pi.getId()).singleResult())
                .satisfies(incident -> {
                    Assertions.assertThat(incident.getActivityId()).isEqualTo(OnboardingProcess.SIGN_CERTIFICATE);
                    Assertions.assertThat(incident.getIncidentMessage()).contains("CA key not available");
                });
        assertThat(pi).isWaitingAt(OnboardingProcess.SIGN_CERTIFICATE);

        doNothing().when(signCertificate).execute(any());
        managementService().setJobRetries(job(OnboardingProcess.SIGN_CERTIFICATE, pi).getId(), 1);
        executeJobAt(pi, OnboardingProcess.SIGN_CERTIFICATE);
        executeJobAt(pi, OnboardingProcess.DELIVER_CERTIFICATE);

        assertThat(pi).isEnded().hasPassed(OnboardingProcess.END_DELIVERED);
        Assertions.assertThat(runtimeService().createIncidentQuery().processInstanceId(pi.getId()).count()).isZero();
        verify(deliverCertificate, times(1)).execute(any());
    }

    @Test
    void failedDeliveryIsRetriedOnItsOwnWithoutSigningAgain() throws Exception {
        ProcessInstance pi = waitingForApproval();
        complete(task(), withVariables(OnboardingProcess.APPROVED, true));
        executeJobAt(pi, OnboardingProcess.SIGN_CERTIFICATE);
        doThrow(new IllegalStateException("relay down")).doNothing().when(deliverCertificate).execute(any());

        Job delivery = job(OnboardingProcess.DELIVER_CERTIFICATE, pi);
        assertThatThrownBy(() -> managementService().executeJob(delivery.getId())).hasMessageContaining("relay down");
        Job retry = job(OnboardingProcess.DELIVER_CERTIFICATE, pi);
        Assertions.assertThat(retry.getRetries()).isEqualTo(4);
        Assertions.assertThat(retry.getDuedate()).isEqualTo(Date.from(START.plus(Duration.ofMinutes(1))));
        executeJobAt(pi, OnboardingProcess.DELIVER_CERTIFICATE);

        assertThat(pi).isEnded().hasPassed(OnboardingProcess.END_DELIVERED);
        verify(signCertificate, times(1)).execute(any());
        verify(deliverCertificate, times(2)).execute(any());
    }

    @Test
    void approvalTaskRemindsAtFollowUpAndEscalatesWhenOverdueOnceEach() throws Exception {
        ProcessInstance pi = waitingForApproval();

        fireTimer(pi, "BoundaryEvent_ApproveRequestFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        assertThat(pi).isWaitingAt(OnboardingProcess.APPROVE_REQUEST)
                .hasPassed("EndEvent_ApproveRequestApproversReminded");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, never()).execute(any());

        fireTimer(pi, "BoundaryEvent_ApproveRequestOverdue", START.plus(ApproverDates.DUE));
        assertThat(pi).isWaitingAt(OnboardingProcess.APPROVE_REQUEST)
                .hasPassed("EndEvent_ApproveRequestOverdueEscalated");
        verify(escalateOverdueTask, times(1)).execute(any());
        Assertions.assertThat(jobQuery().processInstanceId(pi.getId()).count()).as("timers left").isZero();

        complete(task(), withVariables(OnboardingProcess.APPROVED, true));
        executeJobAt(pi, OnboardingProcess.SIGN_CERTIFICATE);
        executeJobAt(pi, OnboardingProcess.DELIVER_CERTIFICATE);
        assertThat(pi).isEnded().hasPassed(OnboardingProcess.END_DELIVERED);
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, times(1)).execute(any());
    }

    @Test
    void decisionInTimeCancelsTheApprovalTimers() throws Exception {
        ProcessInstance pi = waitingForApproval();
        Assertions.assertThat(jobQuery().processInstanceId(pi.getId()).timers().count()).isEqualTo(2);

        complete(task(), withVariables(OnboardingProcess.APPROVED, true));

        Assertions.assertThat(jobQuery().processInstanceId(pi.getId()).timers().count()).isZero();
    }

    @Test
    void exposedKeyReviewRemindsAtFollowUpAndEscalatesWhenOverdueOnceEach() throws Exception {
        doThrow(new BpmnError(OnboardingProcess.ERROR_PRIVATE_KEY_EXPOSED)).when(validateRequest).execute(any());
        ProcessInstance pi = start();
        executeJobAt(pi, OnboardingProcess.VALIDATE_REQUEST);
        executeJobAt(pi, OnboardingProcess.SEND_PRIVATE_KEY_WARNING);
        executeJobAt(pi, OnboardingProcess.REVOKE_EXPOSED_CERTIFICATES);

        fireTimer(pi, "BoundaryEvent_ReviewExposedKeyFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_ReviewExposedKeyOverdue", START.plus(ApproverDates.DUE));

        assertThat(pi).isWaitingAt(OnboardingProcess.REVIEW_EXPOSED_KEY).hasPassed(
                "EndEvent_ReviewExposedKeyApproversReminded", "EndEvent_ReviewExposedKeyOverdueEscalated");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, times(1)).execute(any());
        complete(task());
        assertThat(pi).isEnded().hasPassed(OnboardingProcess.END_EXPOSED_KEY_REVIEWED);
    }

    @Test
    void refusedDecisionKeepsTheApprovalOpen() throws Exception {
        ProcessInstance pi = waitingForApproval();
        // the real listener refuses a rejection without a reason; the model must then keep the task open
        doThrow(new ProcessEngineException("A rejection needs a reason"))
                .doNothing().when(recordDecision).notify(any());

        assertThatThrownBy(() -> complete(task(), withVariables(OnboardingProcess.APPROVED, false)))
                .hasMessageContaining("A rejection needs a reason");
        assertThat(pi).isWaitingAt(OnboardingProcess.APPROVE_REQUEST).hasNotPassed(OnboardingProcess.SEND_REJECTION);

        complete(task(), withVariables(OnboardingProcess.APPROVED, false, OnboardingProcess.REJECTION_REASON, "no"));
        assertThat(pi).isWaitingAt(OnboardingProcess.SEND_REJECTION);
    }

    private ProcessInstance start() {
        ProcessInstance pi = runtimeService().startProcessInstanceByKey(OnboardingProcess.KEY, REFERENCE, Map.of(
                OnboardingProcess.REQUEST_ID, 42L,
                OnboardingProcess.REQUEST_REFERENCE, REFERENCE));
        assertThat(pi).isStarted().isWaitingAt(OnboardingProcess.VALIDATE_REQUEST);
        return pi;
    }

    private ProcessInstance waitingForApproval() throws Exception {
        ProcessInstance pi = start();
        executeJobAt(pi, OnboardingProcess.VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(OnboardingProcess.SEND_ACKNOWLEDGEMENT);
        executeJobAt(pi, OnboardingProcess.SEND_ACKNOWLEDGEMENT);
        assertThat(pi).isWaitingAt(OnboardingProcess.APPROVE_REQUEST);
        verify(validateRequest, times(1)).execute(any());
        verify(sendAcknowledgement, times(1)).execute(any());
        return pi;
    }
}
