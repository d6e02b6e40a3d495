package io.certdesk.lifecycle;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.fireTimer;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.jobQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.Date;
import java.util.Map;

import io.certdesk.support.ApproverDates;
import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bpmn/certificateExpiry.bpmn alone: a certificate expired without renewal goes to the approvers. */
class CertificateExpiryProcessTest {

    private static final String END_REVIEWED = "EndEvent_ExpiryReviewed";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/certificateExpiry.bpmn");

    private JavaDelegate remindApprovers;
    private JavaDelegate escalateOverdueTask;

    @BeforeEach
    void mockBeans() {
        remindApprovers = ProcessTestEngine.delegate("remindApprovers");
        escalateOverdueTask = ProcessTestEngine.delegate("escalateOverdueTask");
        Mocks.register("approverGroup", new ApproverDates());
    }

    @Test
    void expiredCertificateIsReviewedByTheApprovers() throws Exception {
        ProcessInstance pi = start();

        Assertions.assertThat(task().getName()).isEqualTo("Expired without renewal: acme-42 (qa) 5f3a");
        Assertions.assertThat(task().getDescription())
                .isEqualTo("The qa certificate 5f3a of acme-42 expired without a renewal. Contact the organization.");
        assertThat(task()).hasCandidateGroup(ApproverDates.GROUP)
                .hasDueDate(Date.from(START.plus(ApproverDates.DUE)))
                .hasFormKey("embedded:deployment:bpmn/forms/expired-certificate-review.html");
        complete(task());

        assertThat(pi).isEnded().hasPassedInOrder(LifecycleProcesses.REVIEW_EXPIRED, END_REVIEWED);
        Assertions.assertThat(jobQuery().processInstanceId(pi.getId()).count()).as("timers left").isZero();
        verify(remindApprovers, never()).execute(any());
        verify(escalateOverdueTask, never()).execute(any());
    }

    @Test
    void reviewRemindsAtFollowUpAndEscalatesWhenOverdueOnceEach() throws Exception {
        ProcessInstance pi = start();

        fireTimer(pi, "BoundaryEvent_ReviewExpiredCertificateFollowUpReached", START.plus(ApproverDates.FOLLOW_UP));
        assertThat(pi).isWaitingAt(LifecycleProcesses.REVIEW_EXPIRED)
                .hasPassed("EndEvent_ReviewExpiredCertificateApproversReminded");
        verify(remindApprovers, times(1)).execute(any());
        verify(escalateOverdueTask, never()).execute(any());

        fireTimer(pi, "BoundaryEvent_ReviewExpiredCertificateOverdue", START.plus(ApproverDates.DUE));
        assertThat(pi).isWaitingAt(LifecycleProcesses.REVIEW_EXPIRED)
                .hasPassed("EndEvent_ReviewExpiredCertificateOverdueEscalated");
        verify(escalateOverdueTask, times(1)).execute(any());
        Assertions.assertThat(jobQuery().processInstanceId(pi.getId()).count()).as("timers left").isZero();

        complete(task());
        assertThat(pi).isEnded().hasPassed(END_REVIEWED);
        verify(remindApprovers, times(1)).execute(any());
    }

    /** As the sweep starts it for a certificate that expired without renewal. */
    private ProcessInstance start() {
        ProcessInstance pi = runtimeService().startProcessInstanceByKey(LifecycleProcesses.EXPIRY, "5f3a", Map.of(
                LifecycleProcesses.SERIAL, "5f3a",
                LifecycleProcesses.ORGANIZATION_ID, "acme-42",
                LifecycleProcesses.ENVIRONMENT, "qa",
                LifecycleProcesses.SUBJECT, "CN=acme-42",
                LifecycleProcesses.NOT_AFTER, Date.from(START)));
        assertThat(pi).isWaitingAt(LifecycleProcesses.REVIEW_EXPIRED);
        return pi;
    }
}
