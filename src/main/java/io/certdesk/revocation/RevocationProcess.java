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
    /** Set at start for a contact's mail: whether DKIM proved it comes from its sender's domain, and what was found. */
    public static final String MAIL_AUTHENTICATED = "mailAuthenticated";
    public static final String MAIL_AUTHENTICITY = "mailAuthenticity";
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

    /** What the check found: the certificate's serial, subject, organization and environment, and the RFC 5280 reason. */
    public static void setChecked(VariableScope scope, String serial, String subject, String organizationId, String environment,
                                  String reason, boolean approvalNeeded) {
        scope.setVariable(SERIAL, serial);
        scope.setVariable(SUBJECT, subject);
        scope.setVariable(ORGANIZATION_ID, organizationId);
        scope.setVariable(ENVIRONMENT, environment);
        scope.setVariable(REASON, reason);
        scope.setVariable(APPROVAL_NEEDED, approvalNeeded);
    }

    /** Why the revocation is refused, for the refusal mail. */
    public static void setRefusalReason(VariableScope scope, String reason) {
        scope.setVariable(REFUSAL_REASON, reason);
    }

    /** The approver's decision as set on the task: true, false, or null when missing or not a boolean. */
    public static Boolean decision(VariableScope scope) {
        return scope.getVariable(APPROVED) instanceof Boolean approved ? approved : null;
    }

    /** Who approved: the logged-in user who completed the approval. */
    public static void setDecidedBy(VariableScope process, String user) {
        process.setVariable(DECIDED_BY, user);
    }

    /** Whether the contact's mail was authenticated; null when it was not checked (or the request came another way). */
    public static Boolean mailAuthenticated(VariableScope scope) {
        return scope.getVariable(MAIL_AUTHENTICATED) instanceof Boolean authenticated ? authenticated : null;
    }

    public static String string(VariableScope scope, String name) {
        Object value = scope.getVariable(name);
        return value == null ? null : value.toString().trim();
    }
}
