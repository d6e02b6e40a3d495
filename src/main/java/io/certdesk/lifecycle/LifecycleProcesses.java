package io.certdesk.lifecycle;

import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The lifecycle processes: {@code certificateLifecycleSweep} (bpmn/certificateLifecycleSweep.bpmn, a timer every
 * minute), {@code expiryReminder} (bpmn/expiryReminder.bpmn, one per reminder sent) and {@code certificateExpiry}
 * (bpmn/certificateExpiry.bpmn, one per certificate that expired without renewal). Business key: the serial.
 */
public final class LifecycleProcesses {

    public static final String SWEEP = "certificateLifecycleSweep";
    public static final String SWEEP_TIMER = "StartEvent_EveryMinute";
    public static final String START_DUE_REMINDERS = "Task_StartDueReminders";
    public static final String EXPIRE_CERTIFICATES = "Task_ExpireCertificates";
    public static final String REVOKE_SUPERSEDED = "Task_RevokeSupersededCertificates";

    public static final String REMINDER = "expiryReminder";
    public static final String SEND_REMINDER = "Task_SendExpiryReminder";
    public static final String END_REMINDER_SENT = "EndEvent_ReminderSent";

    public static final String EXPIRY = "certificateExpiry";
    public static final String REVIEW_EXPIRED = "UserTask_ReviewExpiredCertificate";

    /** Variables of the reminder and expiry processes. */
    public static final String SERIAL = "serial";
    public static final String DAYS_BEFORE = "daysBefore";
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String ENVIRONMENT = "environment";
    public static final String SUBJECT = "subject";
    public static final String NOT_AFTER = "notAfter";

    private LifecycleProcesses() {
    }

    /** The serial of the certificate an {@code expiryReminder} or {@code certificateExpiry} process is about. */
    public static String serial(VariableScope scope) {
        return (String) scope.getVariable(SERIAL);
    }
}
