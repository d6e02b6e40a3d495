package io.certdesk.lifecycle;

import static io.certdesk.support.ProcessTestEngine.executeJobAt;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.Map;

import io.certdesk.support.ProcessTestEngine;
import org.assertj.core.api.Assertions;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bpmn/expiryReminder.bpmn alone: one reminder, sent by its own retried step. */
class ExpiryReminderProcessTest {

    @RegisterExtension
    static final ProcessEngineCoverageExtension coverage = ProcessTestEngine.coverage();

    @RegisterExtension
    final ProcessTestEngine engine = new ProcessTestEngine("bpmn/expiryReminder.bpmn");

    private JavaDelegate sendExpiryReminder;

    @BeforeEach
    void mockBeans() {
        sendExpiryReminder = ProcessTestEngine.delegate("sendExpiryReminder");
    }

    @Test
    void reminderIsSentOnce() throws Exception {
        ProcessInstance pi = start();

        executeJobAt(pi, LifecycleProcesses.SEND_REMINDER);

        assertThat(pi).isEnded().hasPassedInOrder(LifecycleProcesses.SEND_REMINDER, LifecycleProcesses.END_REMINDER_SENT);
        verify(sendExpiryReminder, times(1)).execute(any());
    }

    @Test
    void reminderThatFailsToSendIsRetried() throws Exception {
        doThrow(new IllegalStateException("relay down")).doNothing().when(sendExpiryReminder).execute(any());
        ProcessInstance pi = start();

        String jobId = job(LifecycleProcesses.SEND_REMINDER, pi).getId();
        assertThatThrownBy(() -> managementService().executeJob(jobId)).hasMessageContaining("relay down");
        Assertions.assertThat(job(LifecycleProcesses.SEND_REMINDER, pi).getRetries()).isEqualTo(4);
        executeJobAt(pi, LifecycleProcesses.SEND_REMINDER);

        assertThat(pi).isEnded().hasPassed(LifecycleProcesses.END_REMINDER_SENT);
        verify(sendExpiryReminder, times(2)).execute(any());
    }

    /** As the sweep starts it: business key and variable the serial, and how many days before expiry. */
    private ProcessInstance start() {
        ProcessInstance pi = runtimeService().startProcessInstanceByKey(LifecycleProcesses.REMINDER, "5f3a", Map.of(
                LifecycleProcesses.SERIAL, "5f3a",
                LifecycleProcesses.DAYS_BEFORE, 30));
        assertThat(pi).isWaitingAt(LifecycleProcesses.SEND_REMINDER);
        return pi;
    }
}
