package io.certdesk.revocation;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static io.certdesk.support.ProcessTestEngine.fireTimer;
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

import java.util.Map;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bpmn/certificateRevocation.bpmn alone, delegates mocked: with and without approval, refusals, timers. */
class CertificateRevocationProcessTest {

    private static final String SERIAL = "5f3a";
    private static final String GATEWAY_APPROVAL_NEEDED = "Gateway_ApprovalNeeded";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/certificateRevocation.bpmn");

    private JavaDelegate checkRevocationRequest;
    private JavaDelegate sendRevocationRefusal;
    private JavaDelegate revokeCertificate;
    private JavaDelegate sendRevocationNotice;
    private JavaDelegate remindApprovers;
    private JavaDelegate escalateOverdueTask;
    private TaskListener recordRevocationDecision;

    @BeforeEach
    void mockBeans() {
        checkRevocationRequest = ProcessTestEngine.delegate("checkRevocationRequest");
        sendRevocationRefusal = ProcessTestEngine.delegate("sendRevocationRefusal");
        revokeCertificate = ProcessTestEngine.delegate("revokeCertificate");
        sendRevocationNotice = ProcessTestEngine.delegate("sendRevocationNotice");
        remindApprovers = ProcessTestEngine.delegate("remindApprovers");
        escalateOverdueTask = ProcessTestEngine.delegate("escalateOverdueTask");
        recordRevocationDecision = ProcessTestEngine.taskListener("recordRevocationDecision");
        Mocks.register("approverGroup", new ApproverDates());
    }

    @AfterEach
    void logOut() {
        identityService().clearAuthentication();
    }

    @Test
    void revocationWithoutApprovalRevokesAndTellsTheContacts() throws Exception {
        ProcessInstance pi = checked(false);

        assertThat(pi).isWaitingAt(RevocationProcess.REVOKE_CERTIFICATE);
        executeJobAt(pi, RevocationProcess.REVOKE_CERTIFICATE);
        executeJobAt(pi, RevocationProcess.SEND_NOTICE);

        assertThat(pi).isEnded().hasPassedInOrder(RevocationProcess.CHECK_REQUEST, GATEWAY_APPROVAL_NEEDED,
                        RevocationProcess.REVOKE_CERTIFICATE, RevocationProcess.SEND_NOTICE, RevocationProcess.END_REVOKED)
                .hasNotPassed(RevocationProcess.APPROVE_REVOCATION);
        verify(revokeCertificate, times(1)).execute(any());
        verify(sendRevocationNotice, times(1)).execute(any());
        verify(recordRevocationDecision, never()).notify(any());
    }

    @Test
    void revocationApprovedIsCarriedOut() throws Exception {
        ProcessInstance pi = checked(true);

        assertThat(pi).isWaitingAt(RevocationProcess.APPROVE_REVOCATION);
        Assertions.assertThat(task().getName()).isEqualTo("Revoke " + SERIAL + " of acme-42 (keyCompromise)?");
        Assertions.assertThat(task().getDescription())
                .isEqualTo("alice@acme.example asks to revoke " + SERIAL + " (CN=acme-42, qa) for keyCompromise.");
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasFormKey("embedded:deployment:bpmn/forms/revocation-approval.html");
        complete(task(), withVariables(RevocationProcess.APPROVED, true));
        executeJobAt(pi, RevocationProcess.REVOKE_CERTIFICATE);
        executeJobAt(pi, RevocationProcess.SEND_NOTICE);

        assertThat(pi).isEnded().hasPassedInOrder(RevocationProcess.APPROVE_REVOCATION, "Gateway_RevocationApproved",
                RevocationProcess.REVOKE_CERTIFICATE, RevocationProcess.SEND_NOTICE, RevocationProcess.END_REVOKED);
        verify(recordRevocationDecision, times(1)).notify(any());
        verify(revokeCertificate, times(1)).execute(any());
        verify(sendRevocationRefusal, never()).execute(any());
    }

    @Test
    void revocationDeclinedByTheApproverIsRefused() throws Exception {
        ProcessInstance pi = checked(true);

        complete(task(), withVariables(RevocationProcess.APPROVED, false,
                RevocationProcess.REJECTION_REASON, "not the contact's certificate"));
        executeJobAt(pi, RevocationProcess.SEND_REFUSAL);

        assertThat(pi).isEnded().hasPassed(RevocationProcess.SEND_REFUSAL, RevocationProcess.END_REFUSED)
                .hasNotPassed(RevocationProcess.REVOKE_CERTIFICATE);
        verify(revokeCertificate, never()).execute(any());
        verify(sendRevocationRefusal, times(1)).execute(any());
    }

    @Test
    void requestRefusedAtTheCheckIsAnsweredAndRevokesNothing() throws Exception {
        doThrow(new BpmnError(RevocationProcess.ERROR_REFUSED)).when(checkRevocationRequest).execute(any());
        ProcessInstance pi = start();

        executeJobAt(pi, RevocationProcess.CHECK_REQUEST);
        executeJobAt(pi, RevocationProcess.SEND_REFUSAL);

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_RevocationRefused", RevocationProcess.END_REFUSED)
                .hasNotPassed(GATEWAY_APPROVAL_NEEDED, RevocationProcess.REVOKE_CERTIFICATE);
        verify(revokeCertificate, never()).execute(any());
    }

    @Test
    void certificateRevokedMeanwhileEndsWithoutNotice() throws Exception {
        ProcessInstance pi = checked(false);
        doThrow(new BpmnError(RevocationProcess.ERROR_ALREADY_REVOKED)).when(revokeCertificate).execute(any());

        executeJobAt(pi, RevocationProcess.REVOKE_CERTIFICATE);

        assertThat(pi).isEnded().hasPassed("BoundaryEvent_AlreadyRevoked", RevocationProcess.END_ALREADY_REVOKED)
                .hasNotPassed(RevocationProcess.SEND_NOTICE, RevocationProcess.END_REVOKED);
        verify(sendRevocationNotice, never()).execute(any());
    }

    @Test
    void approvalRemindsAtFollowUpAndEscalatesWhenOverdueOnceEach() throws Exception {
        ProcessInstance pi = checked(true);

        fireTimer(pi, "BoundaryEvent_ApproveRevocationFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        fireTimer(pi, "BoundaryEvent_ApproveRevocationOverdue", START.plus(ApproverDates.DUE));

        assertThat(pi).isWaitingAt(RevocationProcess.APPROVE_REVOCATION).hasPassed(
                "EndEvent_ApproveRevocationApproversReminded", "EndEvent_ApproveRevocationOverdueEscalated");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, times(1)).execute(any());
        complete(task(), withVariables(RevocationProcess.APPROVED, true));
        assertThat(pi).isWaitingAt(RevocationProcess.REVOKE_CERTIFICATE);
    }

    /** Started by a logged-in user, as from the Tasklist's start form: the initiator becomes {@code requestedBy}. */
    private ProcessInstance start() {
        identityService().setAuthenticatedUserId("alice@acme.example");
        ProcessInstance pi = runtimeService().startProcessInstanceByKey(RevocationProcess.KEY, SERIAL, Map.of(
                RevocationProcess.CERTIFICATE, SERIAL,
                RevocationProcess.REASON, "keyCompromise",
                RevocationProcess.SOURCE, "mail"));
        identityService().clearAuthentication();
        assertThat(pi).isWaitingAt(RevocationProcess.CHECK_REQUEST)
                .variables().containsEntry(RevocationProcess.REQUESTED_BY, "alice@acme.example");
        return pi;
    }

    /** Started and checked; the check (as the real one) names the certificate and says whether an approver decides. */
    private ProcessInstance checked(boolean approvalNeeded) throws Exception {
        doAnswer(call -> {
            DelegateExecution execution = call.getArgument(0);
            execution.setVariable(RevocationProcess.SERIAL, SERIAL);
            execution.setVariable(RevocationProcess.SUBJECT, "CN=acme-42");
            execution.setVariable(RevocationProcess.ORGANIZATION_ID, "acme-42");
            execution.setVariable(RevocationProcess.ENVIRONMENT, "qa");
            execution.setVariable(RevocationProcess.APPROVAL_NEEDED, approvalNeeded);
            return null;
        }).when(checkRevocationRequest).execute(any());
        ProcessInstance pi = start();
        executeJobAt(pi, RevocationProcess.CHECK_REQUEST);
        verify(checkRevocationRequest, times(1)).execute(any());
        return pi;
    }
}
