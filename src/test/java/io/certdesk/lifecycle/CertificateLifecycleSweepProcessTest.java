package io.certdesk.lifecycle;

import static io.certdesk.support.ProcessTestEngine.START;
import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.jobQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/** bpmn/certificateLifecycleSweep.bpmn alone: the timer every minute and its four steps, each retried on its own. */
class CertificateLifecycleSweepProcessTest {

    private static final String REMIND_OPERATORS = "Task_RemindOperatorsOfCaExpiry";
    private static final String END_SWEEP_DONE = "EndEvent_SweepDone";

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/certificateLifecycleSweep.bpmn");

    private JavaDelegate startDueReminders;
    private JavaDelegate expireCertificates;
    private JavaDelegate revokeSupersededCertificates;
    private JavaDelegate remindOperatorsOfCaExpiry;

    @BeforeEach
    void mockBeans() {
        startDueReminders = ProcessTestEngine.delegate("startDueReminders");
        expireCertificates = ProcessTestEngine.delegate("expireCertificates");
        revokeSupersededCertificates = ProcessTestEngine.delegate("revokeSupersededCertificates");
        remindOperatorsOfCaExpiry = ProcessTestEngine.delegate("remindOperatorsOfCaExpiry");
    }

    @Test
    void everyMinuteOneSweepRunsItsStepsInOrder() throws Exception {
        ProcessInstance pi = sweepStartedAt(START.plus(Duration.ofMinutes(1)));

        executeJobAt(pi, LifecycleProcesses.START_DUE_REMINDERS);
        executeJobAt(pi, LifecycleProcesses.EXPIRE_CERTIFICATES);
        executeJobAt(pi, LifecycleProcesses.REVOKE_SUPERSEDED);
        executeJobAt(pi, REMIND_OPERATORS);

        assertThat(pi).isEnded().hasPassedInOrder(LifecycleProcesses.SWEEP_TIMER,
                LifecycleProcesses.START_DUE_REMINDERS, LifecycleProcesses.EXPIRE_CERTIFICATES,
                LifecycleProcesses.REVOKE_SUPERSEDED, REMIND_OPERATORS, END_SWEEP_DONE);
        InOrder order = inOrder(startDueReminders, expireCertificates, revokeSupersededCertificates,
                remindOperatorsOfCaExpiry);
        order.verify(startDueReminders).execute(any());
        order.verify(expireCertificates).execute(any());
        order.verify(revokeSupersededCertificates).execute(any());
        order.verify(remindOperatorsOfCaExpiry).execute(any());

        // the cycle goes on: the next sweep a minute later, one at a time
        ProcessInstance next = sweepStartedAt(START.plus(Duration.ofMinutes(2)));
        Assertions.assertThat(next.getId()).isNotEqualTo(pi.getId());
    }

    @Test
    void failingStepIsRetriedAloneWithoutRepeatingTheStepsBefore() throws Exception {
        doThrow(new IllegalStateException("database unreachable")).doNothing()
                .when(expireCertificates).execute(any());
        ProcessInstance pi = sweepStartedAt(START.plus(Duration.ofMinutes(1)));
        executeJobAt(pi, LifecycleProcesses.START_DUE_REMINDERS);

        String jobId = job(LifecycleProcesses.EXPIRE_CERTIFICATES, pi).getId();
        assertThatThrownBy(() -> managementService().executeJob(jobId)).hasMessageContaining("database unreachable");
        assertThat(pi).isWaitingAt(LifecycleProcesses.EXPIRE_CERTIFICATES);
        verify(revokeSupersededCertificates, never()).execute(any());
        executeJobAt(pi, LifecycleProcesses.EXPIRE_CERTIFICATES);
        executeJobAt(pi, LifecycleProcesses.REVOKE_SUPERSEDED);
        executeJobAt(pi, REMIND_OPERATORS);

        assertThat(pi).isEnded().hasPassed(END_SWEEP_DONE);
        verify(startDueReminders, times(1)).execute(any());
        verify(expireCertificates, times(2)).execute(any());
    }

    /** Asserts the start timer is due at the given moment, moves the clock there, fires it: a new sweep. */
    private ProcessInstance sweepStartedAt(Instant due) {
        Job timer = jobQuery().processDefinitionKey(LifecycleProcesses.SWEEP).timers().singleResult();
        Assertions.assertThat(timer.getDuedate()).isEqualTo(Date.from(due));
        ProcessTestEngine.clockAt(due);
        execute(timer);
        ProcessInstance pi = runtimeService().createProcessInstanceQuery()
                .processDefinitionKey(LifecycleProcesses.SWEEP).singleResult();
        assertThat(pi).isWaitingAt(LifecycleProcesses.START_DUE_REMINDERS);
        return pi;
    }
}
