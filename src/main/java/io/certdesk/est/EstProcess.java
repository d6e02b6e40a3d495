package io.certdesk.est;

import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The {@code estEnrollment} process (bpmn/estEnrollment.bpmn): its key, element ids and variables. It shares
 * the onboarding process's request variables ({@code requestId}, {@code requestReference}; the request row names
 * the client certificate that asked) and its approval and signing delegates.
 */
public final class EstProcess {

    public static final String KEY = "estEnrollment";

    public static final String START_EVENT = "StartEvent_EstRequestReceived";
    public static final String VALIDATE_REQUEST = "Task_ValidateRequest";
    public static final String CHECK_RENEWAL_WINDOW = "Task_CheckRenewalWindow";
    public static final String GATEWAY_AUTOMATIC = "Gateway_AutomaticReenrollment";
    public static final String APPROVE_AUTOMATICALLY = "Task_ApproveAutomatically";
    public static final String APPROVE_REQUEST = "UserTask_ApproveRequest";
    public static final String SIGN_CERTIFICATE = "Task_SignCertificate";
    public static final String NOTIFY_TECHNICAL_CONTACTS = "Task_NotifyTechnicalContacts";
    public static final String END_ISSUED = "EndEvent_CertificateIssued";
    public static final String END_REJECTED = "EndEvent_RequestRejected";
    public static final String END_REFUSED_BY_POLICY = "EndEvent_RefusedByPolicy";

    /** Set by the window check: whether the gateway skips the approver. */
    public static final String AUTOMATIC_REENROLLMENT = "automaticReenrollment";
    /**
     * Set by the window check, kept in history: {@code automatic EST re-enrollment by certificate <serial>}, or
     * why an approver decides.
     */
    public static final String APPROVAL_PATH = "approvalPath";

    private EstProcess() {
    }

    public static void setApprovalPath(VariableScope scope, boolean automatic, String path) {
        scope.setVariable(AUTOMATIC_REENROLLMENT, automatic);
        scope.setVariable(APPROVAL_PATH, path);
    }

    /** What the history and the request's decision record say of an automatic re-enrollment. */
    public static String automaticBy(String clientSerial) {
        return "automatic EST re-enrollment by certificate " + clientSerial;
    }
}
