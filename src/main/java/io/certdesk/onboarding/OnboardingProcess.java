package io.certdesk.onboarding;

import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The {@code certificateOnboarding} process (bpmn/certificateOnboarding.bpmn): its key, element ids, error
 * codes and variables. Delegates read and write variables only through this class.
 */
public final class OnboardingProcess {

    public static final String KEY = "certificateOnboarding";

    public static final String START_EVENT = "StartEvent_CsrMailReceived";
    public static final String VALIDATE_REQUEST = "Task_ValidateRequest";
    public static final String SEND_ACKNOWLEDGEMENT = "Task_SendAcknowledgement";
    public static final String APPROVE_REQUEST = "UserTask_ApproveRequest";
    public static final String SIGN_CERTIFICATE = "Task_SignCertificate";
    public static final String DELIVER_CERTIFICATE = "Task_DeliverCertificate";
    public static final String SEND_REJECTION = "Task_SendRejection";
    public static final String SEND_POLICY_REJECTION = "Task_SendPolicyRejection";
    public static final String SEND_PRIVATE_KEY_WARNING = "Task_SendPrivateKeyWarning";
    public static final String REVOKE_EXPOSED_CERTIFICATES = "Task_RevokeExposedCertificates";
    public static final String REVIEW_EXPOSED_KEY = "UserTask_ReviewExposedKey";
    public static final String SEND_NOT_A_REQUEST_REPLY = "Task_SendNotARequestReply";
    public static final String END_DELIVERED = "EndEvent_CertificateDelivered";
    public static final String END_REJECTED = "EndEvent_RequestRejected";
    public static final String END_REJECTED_BY_POLICY = "EndEvent_RequestRejectedByPolicy";
    public static final String END_EXPOSED_KEY_REVIEWED = "EndEvent_ExposedKeyReviewed";
    public static final String END_NOT_A_REQUEST = "EndEvent_NotARequestAnswered";

    public static final String ERROR_REQUEST_INVALID = "REQUEST_INVALID";
    public static final String ERROR_PRIVATE_KEY_EXPOSED = "PRIVATE_KEY_EXPOSED";
    public static final String ERROR_NOT_A_REQUEST = "NOT_A_REQUEST";

    /** Set at start: the request's row id and its reference (also the business key). */
    public static final String REQUEST_ID = "requestId";
    public static final String REQUEST_REFERENCE = "requestReference";
    /** Set by the approver: the decision, and the reason when rejecting. */
    public static final String APPROVED = "approved";
    public static final String REJECTION_REASON = "rejectionReason";
    /** Set at signing. */
    public static final String CERTIFICATE_SERIAL = "certificateSerial";

    /** Set at validation, for the approval task's name and for filtering in Cockpit and the Tasklist. */
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String ENVIRONMENT = "environment";
    /** The approval task's description: who asks for what. */
    public static final String APPROVAL_SUMMARY = "approvalSummary";
    /**
     * What the approval form shows (bpmn/forms/onboarding-approval.html), as one JSON object written once at
     * validation, for reading only: organizationStatus, companyName, contacts, subject, keyDescription,
     * publicKeySha256, issuance, findings [{severity, code, message}], certificates (the organization's 10 most
     * recent, newest last: serial, environment, status, notAfter, subject, request) and how many of each did not
     * fit a variable (findingsNotShown, certificatesNotShown). One variable instead of one per fact: each variable
     * costs a runtime row, a history row and a history detail row in every onboarding.
     */
    public static final String APPROVAL_FACTS = "approvalFacts";
    public static final String PRIVATE_KEY_FINDINGS = "privateKeyFindings";

    private OnboardingProcess() {
    }

    public static long requestId(VariableScope scope) {
        Object value = scope.getVariable(REQUEST_ID);
        if (!(value instanceof Number number)) {
            throw new IllegalStateException("process variable " + REQUEST_ID + " is missing");
        }
        return number.longValue();
    }

    public static String requestReference(VariableScope scope) {
        return (String) scope.getVariable(REQUEST_REFERENCE);
    }

    /** The approver's decision as set on the task: true, false, or null when it is missing or not a boolean. */
    public static Boolean decision(VariableScope scope) {
        return scope.getVariable(APPROVED) instanceof Boolean approved ? approved : null;
    }

    public static boolean approved(VariableScope scope) {
        return Boolean.TRUE.equals(scope.getVariable(APPROVED));
    }

    public static String rejectionReason(VariableScope scope) {
        Object reason = scope.getVariable(REJECTION_REASON);
        return reason == null ? "" : reason.toString().trim();
    }

    public static void setCertificateSerial(VariableScope scope, String serial) {
        scope.setVariable(CERTIFICATE_SERIAL, serial);
    }

    public static void setOrganization(VariableScope scope, String organizationId, String environment) {
        scope.setVariable(ORGANIZATION_ID, organizationId);
        scope.setVariable(ENVIRONMENT, environment);
    }

    public static void setApprovalSummary(VariableScope scope, String summary) {
        scope.setVariable(APPROVAL_SUMMARY, summary);
    }

    public static void setApprovalFacts(VariableScope scope, String factsJson) {
        scope.setVariable(APPROVAL_FACTS, factsJson);
    }

    public static void setPrivateKeyFindings(VariableScope scope, String findings) {
        scope.setVariable(PRIVATE_KEY_FINDINGS, findings);
    }
}
