package io.certdesk.revocation;

import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The {@code certificateRevocation} process (bpmn/certificateRevocation.bpmn): its key, element ids, error codes
 * and variables. Business key: the certificate's serial.
 */
public final class RevocationProcess {

    public static final String KEY = "certificateRevocation";

    public static final String START_EVENT = "StartEvent_RevocationRequested";
    public static final String CHECK_REQUEST = "Task_CheckRevocationRequest";
    public static final String APPROVE_REVOCATION = "UserTask_ApproveRevocation";
    public static final String REVOKE_CERTIFICATE = "Task_RevokeCertificate";
    public static final String SEND_NOTICE = "Task_SendRevocationNotice";
    public static final String SEND_REFUSAL = "Task_SendRevocationRefusal";
    public static final String END_REVOKED = "EndEvent_CertificateRevoked";
    public static final String END_REFUSED = "EndEvent_RevocationRefused";
    public static final String END_ALREADY_REVOKED = "EndEvent_AlreadyRevoked";

    public static final String ERROR_REFUSED = "REVOCATION_REFUSED";
    public static final String ERROR_ALREADY_REVOKED = "ALREADY_REVOKED";

    /** Set at start (from the admin API, a contact's mail, detection, or the Tasklist start form). */
    public static final String CERTIFICATE = "certificate";
    public static final String REASON = "reason";
    public static final String REQUESTED_BY = "requestedBy";
    public static final String SOURCE = "source";
    public static final String REPLY_TO = "replyTo";
    /** Set by the check. */
    public static final String SERIAL = "serial";
    public static final String SUBJECT = "subject";
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String ENVIRONMENT = "environment";
    public static final String APPROVAL_NEEDED = "approvalNeeded";
    public static final String REFUSAL_REASON = "refusalReason";
    /** Set by the approver. */
    public static final String APPROVED = "approved";
    public static final String REJECTION_REASON = "rejectionReason";
    /** Set by certdesk when the approver completes the task: the logged-in user, never sent by a caller. */
    public static final String DECIDED_BY = "decidedBy";

    private RevocationProcess() {
    }

    public static String string(VariableScope scope, String name) {
        Object value = scope.getVariable(name);
        return value == null ? null : value.toString().trim();
    }
}
