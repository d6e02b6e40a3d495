package io.certdesk.trust;

import io.certdesk.notify.ApproverMails;
import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The {@code partnerTrust} process (bpmn/partnerTrust.bpmn): a client's partner CA chain, checked, approved by
 * two different approvers, then trusted. Business key: the trust request reference ({@code TR-2026-000042}).
 */
public final class PartnerTrustProcess {

    public static final String KEY = "partnerTrust";

    public static final String VALIDATE_CHAIN = "Task_ValidateChain";
    public static final String FIRST_APPROVAL = "UserTask_FirstTrustApproval";
    public static final String SECOND_APPROVAL = "UserTask_SecondTrustApproval";
    public static final String TRUST_PARTNER_CA = "Task_TrustPartnerCa";
    public static final String END_TRUSTED = "EndEvent_PartnerCaTrusted";
    public static final String END_CHAIN_REJECTED = "EndEvent_ChainRejected";
    public static final String END_TRUST_REJECTED = "EndEvent_TrustRejected";

    public static final String ERROR_CHAIN_INVALID = "CHAIN_INVALID";

    public static final String TRUST_REQUEST_ID = "trustRequestId";
    public static final String REFERENCE = "reference";
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String ENVIRONMENT = "environment";
    public static final String CLIENT_CERTIFICATE = "clientCertificate";
    public static final String CA_CERTIFICATES = "caCertificates";
    /** Warnings for both approvers (a CA of the public Web PKI), empty when there are none. */
    public static final String TRUST_WARNINGS = ApproverMails.TRUST_WARNINGS;
    public static final String FIRST_APPROVED = "firstApproved";
    public static final String SECOND_APPROVED = "secondApproved";
    public static final String FIRST_APPROVER = "firstApprover";
    public static final String SECOND_APPROVER = "secondApprover";
    public static final String REJECTION_REASON = "rejectionReason";

    private PartnerTrustProcess() {
    }

    public static long trustRequestId(VariableScope scope) {
        return ((Number) scope.getVariable(TRUST_REQUEST_ID)).longValue();
    }

    /** What the checked chain shows both approvers: the client certificate, the CAs to trust, the warnings. */
    public static void setChainFacts(VariableScope scope, String clientCertificate, String caCertificates, String warnings) {
        scope.setVariable(CLIENT_CERTIFICATE, clientCertificate);
        scope.setVariable(CA_CERTIFICATES, caCertificates);
        scope.setVariable(TRUST_WARNINGS, warnings);
    }

    public static String clientCertificate(VariableScope scope) {
        return (String) scope.getVariable(CLIENT_CERTIFICATE);
    }

    public static String caCertificates(VariableScope scope) {
        return (String) scope.getVariable(CA_CERTIFICATES);
    }

    /** The name of the first or the second approval's decision variable. */
    public static String decisionVariable(boolean first) {
        return first ? FIRST_APPROVED : SECOND_APPROVED;
    }

    /** The first or second approval's decision as set on the task: true, false, or null when missing or not a boolean. */
    public static Boolean decision(VariableScope scope, boolean first) {
        return scope.getVariable(decisionVariable(first)) instanceof Boolean approved ? approved : null;
    }

    /**
     * The decision as checked and recorded, for the gateway after the approval; a first decision clears any second
     * one set early, so the gateway after the second approval only ever sees the second approver's own.
     */
    public static void setDecision(VariableScope process, boolean first, boolean approved) {
        process.setVariable(decisionVariable(first), approved);
        if (first) {
            process.removeVariable(SECOND_APPROVED);
        }
    }

    /** Who made the first or second decision, for the second approval's form. */
    public static void setApprover(VariableScope process, boolean first, String user) {
        process.setVariable(first ? FIRST_APPROVER : SECOND_APPROVER, user);
    }

    /** The approver's reason for a rejection as given, or null. */
    public static String rejectionReason(VariableScope scope) {
        Object reason = scope.getVariable(REJECTION_REASON);
        return reason == null ? null : reason.toString();
    }
}
